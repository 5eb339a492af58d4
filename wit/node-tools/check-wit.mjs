// Validates WIT package directories with wasm-tools (compiled to JS by jco-transpile):
// parse + resolve the directory (main package, deps/ beside it), embed it into a dummy core module
// that imports and exports everything the package's world names, then build a component from it,
// which runs wasm-tools' component validator over every type.
// Usage: node check-wit.mjs DIR...   Prints "OK DIR" or "ERR DIR <message>" per directory.
import { _setPreopens } from '@bytecodealliance/preview2-shim/filesystem';
import { componentEmbed, componentNew } from '@bytecodealliance/jco-transpile/wasm-tools';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

_setPreopens({ '/': '/' });

function witFiles(dir) {
  return readdirSync(dir).filter((f) => f.endsWith('.wit')).sort().map((f) => join(dir, f));
}

// The directory form only reports the outermost error context ("failed to parse package"); the
// single-source form reports the cause with its line, so on failure we rebuild the same packages as
// nested `package a:b@v { ... }` blocks and run again to get the precise message.
function combinedSource(dir) {
  const blocks = [];
  const deps = join(dir, 'deps');
  let depDirs = [];
  try { depDirs = readdirSync(deps).sort().map((d) => join(deps, d)); } catch { /* no deps */ }
  for (const d of [...depDirs, dir]) {
    const files = statSync(d).isDirectory() ? witFiles(d) : [d];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const m = text.match(/^package ([^;]+);/m);
      if (!m) { blocks.push(text); continue; }
      const body = text.slice(0, m.index) + text.slice(m.index + m[0].length);
      blocks.push(`package ${m[1]} {\n${body}\n}\n`);
    }
  }
  return blocks.join('\n');
}

function message(e) {
  return String(e && e.payload !== undefined ? e.payload : e).replace(/\s+/g, ' ').trim();
}

for (const dir of process.argv.slice(2)) {
  try {
    const mainText = readFileSync(witFiles(dir)[0], 'utf8');
    const pkg = mainText.match(/^package ([^@;]+)/m)[1];
    const worlds = [...mainText.matchAll(/^world ([^ ]+)/gm)].map((m) => `${pkg}/${m[1].replace('%', '')}`);
    if (!worlds.length && !/^interface /m.test(mainText)) {
      // Every type mapped to shared ones (the protobuf well-known types): an empty package.
      console.log(`OK ${dir}`);
      continue;
    }
    for (const world of worlds.length ? worlds : [undefined]) {
      const core = await componentEmbed({ witPath: dir, dummy: true, world });
      await componentNew(core);
    }
    console.log(`OK ${dir}`);
  } catch (e) {
    let detail = message(e);
    try {
      const mainText = readFileSync(witFiles(dir)[0], 'utf8');
      const pkg = mainText.match(/^package ([^@;]+)/m)[1];
      const world = mainText.match(/^world ([^ ]+)/m);
      const core = await componentEmbed({ witSource: combinedSource(dir), dummy: true,
        world: world ? `${pkg}/${world[1]}` : undefined });
      await componentNew(core);
    } catch (e2) {
      detail = `${detail}: ${message(e2)}`;
    }
    console.log(`ERR ${dir} ${detail}`);
  }
}
