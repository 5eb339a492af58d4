// Validates WIT package directories with wasm-tools (compiled to JS by jco-transpile). For every
// world of every package in a directory (the main package and each one under deps/): parse and
// resolve the directory, embed the world into a dummy core module that imports and exports
// everything the world names, build a component from it (which runs wasm-tools' component
// validator, type-size and instance limits included, over every type), and decode the component
// back to WIT.
// Usage: node check-wit.mjs DIR...
// Prints one line per directory: "OK DIR <worlds checked>" or "ERR DIR <world>: <message> | ...".
import { _setPreopens } from '@bytecodealliance/preview2-shim/filesystem';
import {
  componentEmbed,
  componentNew,
  componentWit,
} from '@bytecodealliance/jco-transpile/wasm-tools';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

_setPreopens({ '/': '/' });

function witFiles(dir) {
  return readdirSync(dir).filter((f) => f.endsWith('.wit')).sort().map((f) => join(dir, f));
}

// The package directories: the main one first, then deps/<namespace>-<name>/ in name order.
function packageDirs(dir) {
  let deps = [];
  try {
    deps = readdirSync(join(dir, 'deps')).sort().map((d) => join(dir, 'deps', d));
  } catch {
    // no deps
  }
  return [dir, ...deps.filter((d) => statSync(d).isDirectory())];
}

// World specifiers (`ns:name/world`) declared by the package in `pkgDir`, and whether it has
// interfaces at all.
function worldsOf(pkgDir) {
  const worlds = [];
  let interfaces = false;
  for (const f of witFiles(pkgDir)) {
    const text = readFileSync(f, 'utf8');
    const pkg = text.match(/^package ([^@;\s]+)/m);
    interfaces ||= /^interface /m.test(text);
    for (const m of text.matchAll(/^world ([^ ]+)/gm)) {
      worlds.push(`${pkg[1]}/${m[1].replace('%', '')}`);
    }
  }
  return { worlds, interfaces };
}

// The directory form only reports the outermost error context ("failed to parse package"); the
// single-source form reports the cause with its line, so on failure we rebuild the same packages as
// one source (the main package's files, then each dependency as a nested `package a:b@v { ... }`
// block) and run again to get the precise message.
function combinedSource(dir) {
  const blocks = witFiles(dir).map((f) => readFileSync(f, 'utf8'));
  for (const d of packageDirs(dir).slice(1)) {
    for (const f of witFiles(d)) {
      const text = readFileSync(f, 'utf8');
      const m = text.match(/^package ([^;]+);/m);
      if (!m) {
        blocks.push(text);
        continue;
      }
      const body = text.slice(0, m.index) + text.slice(m.index + m[0].length);
      blocks.push(`package ${m[1]} {\n${body}\n}\n`);
    }
  }
  return blocks.join('\n');
}

function message(e) {
  return String(e && e.payload !== undefined ? e.payload : e).replace(/\s+/g, ' ').trim();
}

async function build(opts) {
  const component = await componentNew(await componentEmbed({ dummy: true, ...opts }));
  await componentWit(component);
}

async function check(dir, world) {
  try {
    await build({ witPath: dir, world });
    return null;
  } catch (e) {
    let detail = message(e);
    try {
      await build({ witSource: combinedSource(dir), world });
    } catch (e2) {
      const precise = message(e2);
      if (precise !== detail) {
        detail = `${detail}: ${precise}`;
      }
    }
    return detail;
  }
}

async function checkWorldless(dir) {
  const imports = [];
  for (const d of packageDirs(dir)) {
    for (const f of witFiles(d)) {
      const text = readFileSync(f, 'utf8');
      const pkg = text.match(/^package ([^;\s]+)/m)[1];
      const [name, version] = pkg.split('@');
      for (const m of text.matchAll(/^interface ([^ ]+)/gm)) {
        const iface = m[1].replace('%', '');
        imports.push(`  import ${name}/${iface}${version ? '@' + version : ''};`);
      }
    }
  }
  const world = `package switchboard-check:all {\n  world all {\n${imports.join('\n')}\n  }\n}\n`;
  try {
    await build({ witSource: `${combinedSource(dir)}\n${world}`, world: 'switchboard-check:all/all' });
    return null;
  } catch (e) {
    return message(e);
  }
}

for (const dir of process.argv.slice(2)) {
  try {
    const worlds = [];
    let interfaces = false;
    for (const d of packageDirs(dir)) {
      const found = worldsOf(d);
      worlds.push(...found.worlds);
      interfaces ||= found.interfaces;
    }
    if (!worlds.length && !interfaces) {
      // Every type mapped to shared ones (the protobuf well-known types): an empty package.
      console.log(`OK ${dir} 0`);
      continue;
    }
    const failures = [];
    for (const world of worlds) {
      const failure = await check(dir, world);
      if (failure !== null) {
        failures.push(`${world}: ${failure}`);
      }
    }
    if (!worlds.length) {
      // Only packages that provide types: resolve them through a world that imports them all.
      const failure = await checkWorldless(dir);
      if (failure !== null) {
        failures.push(`(every interface): ${failure}`);
      }
    }
    console.log(
      failures.length ? `ERR ${dir} ${failures.join(' | ')}` : `OK ${dir} ${worlds.length}`,
    );
  } catch (e) {
    console.log(`ERR ${dir} ${message(e)}`);
  }
}
