// Build of the Samlast PWA. `npm run build` writes pwa/dist, which Flask serves at "/".
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { defineConfig, type Plugin } from "vite";
import { VitePWA } from "vite-plugin-pwa";

const require = createRequire(import.meta.url);

const THEME_COLOUR = "#0a3a7a";

// ReDoc's sidebar shows a logo from its CDN; replaced by an empty inline image so the docs
// page makes no request outside this server (tests/e2e checks that).
const REDOC_CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg";
const EMPTY_SVG = "data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27/%3E";

/**
 * Ships ReDoc with the app: /api/docs (served by Flask) loads /vendor/redoc.standalone.js,
 * so the API docs work without any CDN. Served by the dev server too.
 */
function redocVendor(): Plugin {
  const source = () =>
    readFileSync(require.resolve("redoc/bundles/redoc.standalone.js"), "utf8").replaceAll(
      REDOC_CDN_LOGO,
      EMPTY_SVG,
    );
  const licence = () => readFileSync(require.resolve("redoc/bundles/redoc.standalone.js.LICENSE.txt"));
  return {
    name: "samlast-redoc-vendor",
    configureServer(server) {
      server.middlewares.use("/vendor/redoc.standalone.js", (_req, res) => {
        res.setHeader("Content-Type", "text/javascript; charset=utf-8");
        res.end(source());
      });
    },
    generateBundle() {
      this.emitFile({ type: "asset", fileName: "vendor/redoc.standalone.js", source: source() });
      this.emitFile({
        type: "asset",
        fileName: "vendor/redoc.standalone.js.LICENSE.txt",
        source: licence(),
      });
    },
  };
}

// The dev server forwards API calls to a Flask app started with `flask run -p 5055`.
const backend = process.env.SAMLAST_BACKEND ?? "http://127.0.0.1:5055";

export default defineConfig({
  server: {
    proxy: {
      "/api": backend,
      "/healthz": backend,
    },
  },
  build: {
    target: "es2022",
    sourcemap: true,
  },
  plugins: [
    redocVendor(),
    VitePWA({
      registerType: "autoUpdate",
      injectRegister: "script",
      strategies: "generateSW",
      filename: "sw.js",
      manifestFilename: "manifest.webmanifest",
      includeAssets: ["favicon.svg", "icons/apple-touch-icon.png"],
      manifest: {
        name: "Samlast",
        short_name: "Samlast",
        description: "Samordnad varudistribution: rutter, leveranser och beställningar.",
        lang: "sv",
        start_url: "/",
        scope: "/",
        display: "standalone",
        orientation: "any",
        theme_color: THEME_COLOUR,
        background_color: "#ffffff",
        icons: [
          { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
          { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
          {
            src: "/icons/icon-maskable-512.png",
            sizes: "512x512",
            type: "image/png",
            purpose: "maskable",
          },
        ],
      },
      workbox: {
        // The app shell only; API answers are kept by the app itself (IndexedDB), not the SW.
        globPatterns: ["**/*.{js,css,html,png,svg,webmanifest}"],
        globIgnores: ["vendor/**"],
        navigateFallback: "/index.html",
        navigateFallbackDenylist: [/^\/api\//, /^\/healthz/, /^\/vendor\//, /^\/auth\//],  // /auth/: the municipal sign-in's round trip
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
        runtimeCaching: [],
        // Web Push (kitchen: "the vehicle is on its way"): a small handler in public/push-sw.js.
        importScripts: ["push-sw.js"],
      },
    }),
  ],
});
