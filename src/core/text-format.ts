// The bot's chat text is written once, platform-neutrally; each platform renders it in its own syntax and command form.

/**
 * In the locale files and the core's texts, `{cmd}` stands for the command as the reader's platform writes it (t()
 * leaves it in place), and `**x**` marks bold text. Nothing else is markup, beyond `code` spans all platforms share.
 */
export const COMMAND_PLACEHOLDER = '{cmd}';

export interface TextDialect {
  /** How the reader writes the command: "/assess" (Slack, the playground), "assess" or "@Assess assess" (Teams). */
  command: string;
  /** Slack's mrkdwn (`*bold*`), Markdown (`**bold**`: Teams, the playground), or plain text without marks (popups, modal errors, the CLI). */
  markup: 'mrkdwn' | 'markdown' | 'plain';
}

const BOLD = /\*\*([^*\n]+?)\*\*/g;
const CODE = /`([^`\n]+)`/g;

/** Neutral text in a platform's own syntax and command form. */
export function renderText(text: string, dialect: TextDialect): string {
  const withCommand = text.split(COMMAND_PLACEHOLDER).join(dialect.command);
  switch (dialect.markup) {
    case 'mrkdwn':
      return withCommand.replace(BOLD, '*$1*');
    case 'plain':
      return withCommand.replace(BOLD, '$1').replace(CODE, '$1');
    case 'markdown':
      return withCommand;
  }
}

/** The command line tool speaks of chat commands without a platform: the bare command word. */
export const CLI_DIALECT: TextDialect = { command: 'assess', markup: 'plain' };
