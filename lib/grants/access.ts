import { SCOPES } from '../google/scopes.ts';
import { allTools, type Tool } from '../operations.ts';

/**
 * What a grant of tools means to a person, in their words: the consent page asks in these
 * groups and the account page lists grants by them. Each tool falls in the first group whose
 * rule holds; the rules read only the registry (a tool's Google scopes and its effects), so
 * a new tool lands in a group without being named here.
 */
export interface AccessGroup {
  id: 'read' | 'send' | 'labels' | 'drafts' | 'computer';
  /** What the access means, as a heading ("Read your mail"). */
  heading: string;
  /** Why a person should think twice, shown beside the heading on the consent page. */
  warning: string;
  /** Sensitive: it exposes everything in the mailbox, or acts in the person's name where others see it. */
  sensitive: boolean;
  holds: (tool: Tool) => boolean;
}

const GMAIL_SCOPES: readonly string[] = [SCOPES.read, SCOPES.send, SCOPES.compose, SCOPES.modify];
const usesGmail = (tool: Tool) => tool.scopes.some((scope) => GMAIL_SCOPES.includes(scope));

/** Rules in the order they are tried; shown in the order of {@link GROUP_ORDER}. */
const RULES: readonly AccessGroup[] = [
  {
    id: 'computer',
    heading: 'Open apps on your computer',
    warning: 'Sensitive: it can start apps on the computers you paired, and pair or unpair them.',
    sensitive: true,
    holds: (tool) => !usesGmail(tool),
  },
  {
    id: 'send',
    heading: 'Send email as you',
    warning: 'Sensitive: mail goes out from your address, and sent mail cannot be taken back.',
    sensitive: true,
    holds: (tool) => tool.tool.openWorldHint,
  },
  {
    id: 'drafts',
    heading: 'Write and delete drafts',
    warning: 'Changes your mailbox: it can create drafts and delete them for good.',
    sensitive: false,
    holds: (tool) => tool.scopes.includes(SCOPES.compose),
  },
  {
    id: 'labels',
    heading: 'Change labels',
    warning: 'Changes your mailbox: it can mark mail read or unread, archive, star and label it.',
    sensitive: false,
    holds: (tool) => tool.scopes.includes(SCOPES.modify),
  },
  {
    id: 'read',
    heading: 'Read your mail',
    warning: 'Sensitive: every message and attachment in your mailbox, not only the ones you mention.',
    sensitive: true,
    holds: (tool) => tool.scopes.includes(SCOPES.read),
  },
];

const GROUP_ORDER: readonly AccessGroup['id'][] = ['read', 'send', 'labels', 'drafts', 'computer'];

/** The group a tool is in; undefined only for a tool no rule covers (a unit test holds every tool to one). */
export function groupOf(tool: Tool): AccessGroup | undefined {
  return RULES.find((rule) => rule.holds(tool));
}

/** One group with the named tools in it, for a page. */
export interface GrantedGroup {
  group: AccessGroup;
  tools: Tool[];
  /** Some tool here also reads mail (a reply reads what it answers) though "Read your mail" was not asked. */
  alsoReads: boolean;
}

/**
 * The named tools in their groups, in the order a person reads them (only groups with at
 * least one of them). Names that are not tools are left out.
 */
export function groupTools(names: readonly string[]): GrantedGroup[] {
  const tools = allTools.filter((tool) => names.includes(tool.name));
  const groups = GROUP_ORDER.map((id) => RULES.find((rule) => rule.id === id) as AccessGroup);
  const readAsked = tools.some((tool) => groupOf(tool)?.id === 'read');
  return groups
    .map((group) => {
      const inGroup = tools.filter((tool) => groupOf(tool) === group);
      return {
        group,
        tools: inGroup,
        alsoReads: !readAsked && group.id !== 'read' && inGroup.some((tool) => tool.scopes.includes(SCOPES.read)),
      };
    })
    .filter((granted) => granted.tools.length > 0);
}
