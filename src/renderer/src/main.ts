import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { createClient } from './api/client'
import { clientKey } from './composables/useClient'
import { createRouter, routerKey } from './composables/useRouter'
import { createAppI18n, initialLocale } from './i18n'
import './fonts'
import './styles.css'

const app = createApp(App)
// Provided before Pinia is used, so stores can inject the client in their setup.
app.provide(clientKey, createClient())
app.provide(routerKey, createRouter())
app.use(createPinia())
app.use(createAppI18n(initialLocale()))
app.mount('#app')
