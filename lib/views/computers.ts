import { listPage } from './page.ts';

/**
 * The computers view, for list_computers: each paired computer (name, platform, default, last
 * seen), to open an app on it (launch_app naming the computer; its agent checks the app
 * against its own catalog) or to unpair it (unpair_computer). Names are what the agents
 * reported, shown as text.
 */
const SCRIPT = `

function row(computer) {
  const item = el('li', {});
  const appId = 'app-' + computer.agent_id;
  const app = el('input', { id: appId, autocomplete: 'off', placeholder: 'calculator' });
  item.append(
    el('div', { className: 'from', textContent: computer.name + (computer.is_default ? ' (default)' : '') }),
    el('div', { className: 'note', textContent: computer.platform + ' · last seen ' + computer.last_seen }),
    el('label', { htmlFor: appId, textContent: 'App to open on ' + computer.name }),
    app,
    el('div', { className: 'actions' },
      actionButton('Open app', computer.name, () => act('Opening', async () => {
        const launched = await bridge.callTool('launch_app', { app_name: app.value.trim(), agent: computer.agent_id });
        return 'Asked ' + computer.name + ' to open ' + launched.app + '.';
      })),
      actionButton('Unpair', computer.name, () => act('Unpairing', async () => {
        await bridge.callTool('unpair_computer', { computer: computer.agent_id });
        item.remove();
        return 'Unpaired ' + computer.name + '.';
      })),
    ),
  );
  return item;
}
`;

/** The computers view's whole page (ui://chatgpt-broker/computers.html). */
export const PAGE = listPage(
  'Computers',
  { field: 'computers', label: 'Paired computers', noun: 'paired computers' },
  SCRIPT,
);
