// The command line's commands: run the bot, check and show content packs, export reports, history and privacy requests.
import type { Writable } from './open-store.js';

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

/** Runs one command; each loads only what it needs, so `content validate` never loads the server. */
export async function runCli(argv: string[], out: Writable = process.stdout, err: Writable = process.stderr): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (command === 'start') {
    const { main } = await import('../app/main.js');
    await main();
    return 0;
  }
  if (command === 'export') {
    const { runExportCommand } = await import('./export.js');
    return runExportCommand(argv.slice(1), out, err);
  }
  if (command === 'history' || command === 'privacy') {
    const { runHistoryCommand, runPrivacyCommand } = await import('./modes.js');
    return command === 'history' ? runHistoryCommand(argv.slice(1), out, err) : runPrivacyCommand(argv.slice(1), out, err);
  }
  if (command === 'content') {
    const content = await import('./content.js');
    if (sub === 'validate') return content.runContentValidate(rest[0], out, err);
    if (sub === 'show') return content.runContentShow(rest, out, err);
    if (sub === 'schema') return content.runContentSchema(rest, out);
  }
  out.write(USAGE);
  return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
}
