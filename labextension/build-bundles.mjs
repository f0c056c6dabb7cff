// Bundles the page-side modules anywidget loads (one ES module each, no imports left) with
// esbuild. Type-checking is `tsc -p tsconfig.bundles.json` (esbuild only strips types); the
// `build:bundles` npm script runs both, and `build` / `build:prod` run `build:bundles`.
//
//   node build-bundles.mjs            build every entry once
//   node build-bundles.mjs --watch    rebuild on change
//
// To add a module, add an entry below (and its sources to tsconfig.bundles.json).
import * as esbuild from 'esbuild';

const ENTRIES = [
  { in: 'src/runview/index.ts', out: '../interval_nb/static/runview.js' },
  { in: 'src/loader/index.ts', out: '../interval_nb/static/runview_loader.js' },
  { in: 'src/launcher/index.ts', out: '../interval_nb/static/launcher.js' },
  // the kernel-free app page at {base_url}interval/, and its stylesheet (run page + layout)
  { in: 'src/app/index.ts', out: '../interval_nb/static/app.js' },
  { in: 'style/app.css', out: '../interval_nb/static/app.css' },
  // "Waiting for me" on dashboards (actions.inbox())
  { in: 'src/inboxwidget/index.ts', out: '../interval_nb/static/inbox.js' },
  { in: 'style/inbox.css', out: '../interval_nb/static/inbox.css' }
];

const BANNER = 'Built from labextension/src by esbuild (labextension/build-bundles.mjs); do not edit.';

function options(entry) {
  return {
    entryPoints: [entry.in],
    outfile: entry.out,
    bundle: true,
    format: 'esm',
    target: 'es2020',
    platform: 'browser',
    tsconfig: 'tsconfig.bundles.json',
    charset: 'utf8',
    legalComments: 'none',
    banner: { js: `// ${BANNER}`, css: `/* ${BANNER} */` },
    logLevel: 'warning'
  };
}

const watch = process.argv.includes('--watch');
for (const entry of ENTRIES) {
  if (watch) {
    const context = await esbuild.context(options(entry));
    await context.watch();
  } else {
    await esbuild.build(options(entry));
    console.log(`built ${entry.out}`);
  }
}
