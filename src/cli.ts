#!/usr/bin/env node
// The command line: run the bot, check and show content packs, export reports.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ContentError, defaultContentRoot, loadContentRoot, loadPackDir, packJsonSchema } from './content/load.js';
import { LocaleSchema } from './content/schema.js';

const USAGE = `Usage: assess-bot <command>

  start                                   run the bot (playground when no Slack/Teams credentials)
  content validate [dir]                  check a content pack directory (or every pack under content/)
  content show --locale sv|en [--pack id] --json
                                          print a whole pack as JSON
  content schema [--out file]             print or write the pack JSON Schema
  export <roundId> --tenant <t> --format csv|md|json|html [--out file]
                                          export a round's report (store from REDIS_URL or STORE_SNAPSHOT_FILE)
  history --tenant <t> --channel <c> [--json] [--chart file.png]
                                          each key factor's score across a channel's rounds
  privacy export|erase --tenant <t> --user <id> [--yes]
                                          a person's data as JSON, or erase it (privacy requests)
  privacy forget --tenant <t> [--keep-rounds] --yes
                                          remove a workspace's or Teams tenant's data (after an uninstall)
  privacy audit --tenant <t> [--json]     who asked to export or erase someone else's data, and what came of it
`;

export async function runCli(argv: string[], out = process.stdout, err = process.stderr): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (command === 'start') {
    const { main } = await import('./main.js');
    await main();
    return 0;
  }
  if (command === 'export') {
    const { runExportCommand } = await import('./reports/cli-export.js');
    return runExportCommand(argv.slice(1), out, err);
  }
  if (command === 'history' || command === 'privacy') {
    const { runHistoryCommand, runPrivacyCommand } = await import('./app/modes-cli.js');
    return command === 'history' ? runHistoryCommand(argv.slice(1), out, err) : runPrivacyCommand(argv.slice(1), out, err);
  }
  if (command === 'content' && sub === 'validate') {
    const target = rest[0];
    try {
      if (target) {
        const pack = loadPackDir(resolve(target));
        out.write(`OK ${pack.id}: ${Object.keys(pack.locales).join(', ')}\n`);
      } else {
        for (const pack of loadContentRoot(defaultContentRoot()).values()) {
          out.write(`OK ${pack.id}: ${Object.keys(pack.locales).join(', ')}\n`);
        }
      }
      return 0;
    } catch (e) {
      if (e instanceof ContentError) {
        err.write(`${e.message}\n`);
        return 1;
      }
      throw e;
    }
  }
  if (command === 'content' && sub === 'show') {
    const { values } = parseArgs({
      args: rest,
      options: { locale: { type: 'string', default: 'sv' }, pack: { type: 'string', default: 'integrating-cities-diversity' }, json: { type: 'boolean', default: true } },
    });
    const locale = LocaleSchema.safeParse(values.locale);
    if (!locale.success) {
      err.write(`--locale must be sv or en\n`);
      return 2;
    }
    const pack = loadContentRoot(defaultContentRoot()).get(values.pack!);
    if (!pack) {
      err.write(`no pack ${values.pack}\n`);
      return 2;
    }
    out.write(`${JSON.stringify(pack.get(locale.data), null, 2)}\n`);
    return 0;
  }
  if (command === 'content' && sub === 'schema') {
    const { values } = parseArgs({ args: rest, options: { out: { type: 'string' } } });
    const text = `${JSON.stringify(packJsonSchema(), null, 2)}\n`;
    if (values.out) writeFileSync(values.out, text);
    else out.write(text);
    return 0;
  }
  out.write(USAGE);
  return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
}

const isMain = process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1]);
if (isMain) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      if (process.argv[2] !== 'start') process.exit(code);
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
