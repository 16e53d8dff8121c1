/**
 * Electron entry: the window, the media protocol and the IPC host. The only file that
 * imports electron; everything it serves comes from the same workbench as `sauti serve`.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, protocol, session } from 'electron'
import {
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  IPC_PICK_CHANNEL,
  MEDIA_SCHEME,
} from '../shared/methods'
import { mediaResponse } from './core/audio/media'
import { classify } from './core/dispatch'
import { DEMO_PROJECT_ID } from './core/project/demo'
import type { Workbench } from './core/workbench'
import { createLogger } from './core/logger'
import {
  bootWorkbench,
  findAppRoot,
  labelDemoOnFirstStart,
  resumeInterruptedLabelling,
} from './hosts/boot'
import { createIpcCallHandler } from './hosts/ipc'

const appRoot = findAppRoot(fileURLToPath(new URL('.', import.meta.url)))
const rendererIndex = join(appRoot, 'out', 'renderer', 'index.html')
const devServerUrl = process.env.ELECTRON_RENDERER_URL

protocol.registerSchemesAsPrivileged([
  {
    scheme: MEDIA_SCHEME,
    privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true },
  },
])

function isOwnRendererUrl(url: string): boolean {
  if (devServerUrl && !app.isPackaged) return new URL(url).origin === new URL(devServerUrl).origin
  return url.split('#')[0] === pathToFileURL(rendererIndex).href
}

/**
 * better-sqlite3 is a native addon: Electron needs a build for its own ABI, kept apart from the
 * one Node uses for the CLI and tests (see README, "Desktop app").
 */
function electronSqliteBinding(): string | undefined {
  const file = join(appRoot, 'build', 'native', 'electron', 'better_sqlite3.node')
  return existsSync(file) ? file : undefined
}

function projectFromArgs(): string {
  const i = process.argv.indexOf('--project')
  return (i >= 0 && process.argv[i + 1]) || DEMO_PROJECT_ID
}

async function createWindow(workbench: Workbench): Promise<void> {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Sauti',
    show: false,
    webPreferences: {
      preload: join(appRoot, 'out', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  })
  const off = workbench.events.onAny((event, payload) => {
    if (!window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, event, payload)
  })
  window.on('closed', off)
  window.once('ready-to-show', () => window.show())
  if (devServerUrl && !app.isPackaged) await window.loadURL(devServerUrl)
  else await window.loadFile(rendererIndex)
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
})

app.whenReady().then(async () => {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) =>
    callback(false),
  )
  let workbench: Workbench
  try {
    workbench = await bootWorkbench({
      appRoot,
      dataDir: app.getPath('userData'),
      projectId: projectFromArgs(),
      host: 'electron',
      db: { nativeBinding: electronSqliteBinding() },
    })
  } catch (error) {
    dialog.showErrorBox('Sauti cannot start', classify(error).message)
    app.exit(1)
    return
  }

  ipcMain.handle(IPC_CALL_CHANNEL, createIpcCallHandler(workbench, isOwnRendererUrl))
  // The OS file picker: paths only; the renderer previews and imports them by the contract.
  ipcMain.handle(IPC_PICK_CHANNEL, async (event, kind: unknown) => {
    const frame = event.senderFrame
    const window = BrowserWindow.fromWebContents(event.sender)
    if (!window || !frame || frame.parent !== null || !isOwnRendererUrl(frame.url)) return []
    const picked = await dialog.showOpenDialog(window, {
      properties: [kind === 'folder' ? 'openDirectory' : 'openFile', 'multiSelections'],
    })
    return picked.canceled ? [] : picked.filePaths
  })
  const logger = createLogger()
  void resumeInterruptedLabelling(workbench, (message) => logger.info(message))
  void labelDemoOnFirstStart(workbench, appRoot, (message) => logger.info(message))
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url)
    const id = Number(url.pathname.replace(/^\//, ''))
    if (url.hostname !== 'recording' || !Number.isSafeInteger(id) || id <= 0)
      return new Response('bad media URL', { status: 400 })
    try {
      const file = workbench.mediaFile(id)
      const media = await mediaResponse(
        file.path,
        file.format,
        request.headers.get('range') ?? undefined,
      )
      const body = media.body ? (Readable.toWeb(media.body) as ReadableStream<Uint8Array>) : null
      return new Response(body, { status: media.status, headers: media.headers })
    } catch (error) {
      return new Response(classify(error).message, { status: 404 })
    }
  })

  await createWindow(workbench)
  app.on('window-all-closed', () => {
    void workbench.close().finally(() => app.quit())
  })
})
