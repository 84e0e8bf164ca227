import { commandFor, installedProgram, LAUNCHD_LABEL, type PlanFor, pathFor, SERVICE_NAME } from './plan.ts';

/**
 * A launchd LaunchAgent in the user's own domain: no admin, loaded at login (RunAtLoad),
 * started again if it exits with a failure (KeepAlive).
 */

export const macosPlan: PlanFor = (settings) => {
  const p = pathFor('macos');
  const plist = p.join(settings.home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
  const programDir = p.join(settings.home, 'Library', 'Application Support', SERVICE_NAME, 'bin');
  const { file, commandLine } = installedProgram(settings, programDir);
  if (settings.uid === undefined) throw new Error('macOS services need the user id');
  const domain = `gui/${settings.uid}`;
  const launchctl = commandFor('launchctl');
  return {
    platform: 'macos',
    marker: plist,
    files: [file, { path: plist, content: renderPlist(commandLine), mode: 0o644 }],
    preflight: [],
    otherWays: [],
    start: [launchctl('bootstrap', domain, plist)],
    stop: [launchctl('bootout', `${domain}/${LAUNCHD_LABEL}`)],
    afterRemove: [],
    commandLine,
    notes: [`See it with: launchctl print ${domain}/${LAUNCHD_LABEL}`],
  };
};

export function renderPlist(commandLine: string[]): string {
  const strings = commandLine.map((arg) => `\t\t<string>${xml(arg)}</string>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
\t<key>Label</key>
\t<string>${LAUNCHD_LABEL}</string>
\t<key>ProgramArguments</key>
\t<array>
${strings}
\t</array>
\t<key>RunAtLoad</key>
\t<true/>
\t<key>KeepAlive</key>
\t<dict>
\t\t<key>SuccessfulExit</key>
\t\t<false/>
\t</dict>
\t<key>ThrottleInterval</key>
\t<integer>10</integer>
\t<key>ProcessType</key>
\t<string>Interactive</string>
\t<key>AbandonProcessGroup</key>
\t<true/>
</dict>
</plist>
`;
}

/** Text for an XML element (the characters XML forbids cannot be in a path or URL we accept). */
export function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
