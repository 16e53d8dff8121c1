/**
 * The bundled Noto fonts (docs/ui.md, "Scripts and fonts"): the weights the interface uses,
 * regular and semibold (bold headings take the semibold face; 500 takes the regular), for Latin,
 * Cyrillic, Greek, Devanagari, Ethiopic and Arabic. Japanese and Korean come in regular only, a
 * megabyte or more each per weight; headings in them are drawn bold from it. The build keeps
 * only the subsets and the woff2 files each package is bundled for (scripts/bundled-fonts.ts).
 */
import '@fontsource/noto-sans/400.css'
import '@fontsource/noto-sans/600.css'
import '@fontsource/noto-sans-devanagari/400.css'
import '@fontsource/noto-sans-devanagari/600.css'
import '@fontsource/noto-sans-ethiopic/400.css'
import '@fontsource/noto-sans-ethiopic/600.css'
import '@fontsource/noto-sans-arabic/400.css'
import '@fontsource/noto-sans-arabic/600.css'
import '@fontsource/noto-sans-jp/400.css'
import '@fontsource/noto-sans-kr/400.css'
