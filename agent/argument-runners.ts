import path from 'node:path';

/**
 * Programs that run (or hand on) their arguments as code or as a command, which a file's
 * first bytes cannot tell apart from any other program: an interpreter is an ordinary
 * ELF, Mach-O or PE file. None of them may take caller arguments of any kind but URLs
 * (browsers): not words, not files, not `"unsafe-any"` (see argument-kinds.ts). The kinds
 * are the guard; this list is the second one, for programs that run a plain word
 * (`flock <lock> <command>`, `sg <group> <command>`) or a file (`cmake <dir>`).
 * Scripts (`#!`) and files of no native executable format are refused by content, in
 * `executable.ts`; this list is for what only a name gives away.
 *
 * A name matches a command whose file name, lower-cased and without `.exe`/`.com`, is the
 * name or starts with it followed by a non-letter (a version or variant suffix:
 * `python3.12`, `bash5.2`, `node20`, `busybox.static`, `vim.basic`, `php-cgi`). Names that
 * contain {@link TERMINAL_MARK} are terminal emulators and match too.
 *
 * Keep the reason beside each name: a name without one will be deleted by someone tidying.
 */
export const ARGUMENT_RUNNERS: Readonly<Record<string, string | Browser>> = {
  // Shells: `-c <command>`.
  sh: 'a shell runs `-c <command>`',
  ash: 'a shell runs `-c <command>`',
  dash: 'a shell runs `-c <command>`',
  bash: 'a shell runs `-c <command>`',
  zsh: 'a shell runs `-c <command>`',
  ksh: 'a shell runs `-c <command>`',
  mksh: 'a shell runs `-c <command>`',
  fish: 'a shell runs `-c <command>`',
  csh: 'a shell runs `-c <command>`',
  tcsh: 'a shell runs `-c <command>`',
  nu: 'a shell runs `-c <command>`',
  elvish: 'a shell runs `-c <command>`',
  xonsh: 'a shell runs `-c <command>`',
  busybox: 'a multi-call binary: its first argument picks the program (sh among them)',
  toybox: 'a multi-call binary: its first argument picks the program (sh among them)',
  // Language runtimes: `-c`, `-e`, `--eval`, or a script path from the caller.
  python: 'an interpreter runs `-c <code>` or any script',
  pythonw: 'an interpreter runs `-c <code>` or any script',
  pypy: 'an interpreter runs `-c <code>` or any script',
  node: 'an interpreter runs `-e <code>` or any script',
  nodejs: 'an interpreter runs `-e <code>` or any script',
  deno: 'a runtime runs `eval <code>` or any script',
  bun: 'a runtime runs `-e <code>` or any script',
  perl: 'an interpreter runs `-e <code>` or any script',
  ruby: 'an interpreter runs `-e <code>` or any script',
  irb: 'an interactive interpreter runs code from its arguments',
  php: 'an interpreter runs `-r <code>` or any script',
  lua: 'an interpreter runs `-e <code>` or any script',
  luajit: 'an interpreter runs `-e <code>` or any script',
  tclsh: 'an interpreter runs any script',
  wish: 'an interpreter runs any script',
  expect: 'an interpreter runs `-c <code>` or any script',
  rscript: 'an interpreter runs `-e <code>` or any script',
  java: 'a runtime runs any class or `-jar` file',
  javaw: 'a runtime runs any class or `-jar` file',
  javaws: 'Java Web Start runs code from a URL',
  jshell: 'an interpreter runs any script',
  dotnet: 'a runtime runs any assembly',
  osascript: 'runs `-e <AppleScript or JavaScript>`',
  swift: 'an interpreter runs any script',
  awk: 'an awk program can call system()',
  gawk: 'an awk program can call system()',
  mawk: 'an awk program can call system()',
  nawk: 'an awk program can call system()',
  sed: 'GNU sed runs commands with its `e` command',
  // Programs with an option that runs a command.
  find: 'runs `-exec <command>`',
  xargs: 'runs its arguments as a command',
  git: 'runs commands through `-c core.pager=...`, `--upload-pack=...`, aliases',
  ssh: 'runs a command remotely and `-o ProxyCommand=...` locally',
  scp: 'runs `-S <program>` and `-o ProxyCommand=...`',
  sftp: 'runs `-S <program>` and `-o ProxyCommand=...`',
  rsync: 'runs `-e <command>`',
  tar: 'runs `--to-command=...` and `--checkpoint-action=exec=...`',
  zip: 'runs `-TT <command>`',
  make: 'runs recipes from `-f <file>` and `--eval`',
  gdb: 'runs `-ex <command>`, including shell commands',
  curl: 'writes any file with `-o` (e.g. a shell profile) and reads a config with `-K`',
  wget: 'writes any file with `-O` and runs `--execute` directives',
  nc: 'runs `-e <program>` in some builds',
  ncat: 'runs `-e <program>` and `-c <command>`',
  socat: 'runs `EXEC:<command>` addresses',
  vi: 'an editor runs `-c <command>` and `:!<shell command>`',
  vim: 'an editor runs `-c <command>` and `:!<shell command>`',
  nvim: 'an editor runs `-c <command>` and `:!<shell command>`',
  gvim: 'an editor runs `-c <command>` and `:!<shell command>`',
  view: 'vim read-only runs `-c <command>`',
  ex: 'vim in ex mode runs `-c <command>`',
  emacs: 'an editor runs `--eval <lisp>`',
  // Browsers and Electron apps: flags that start a command (`--renderer-cmd-prefix`,
  // `--gpu-launcher`, `--utility-cmd-prefix`). Give them `allow_args: "url"`.
  chrome: browser('takes `--renderer-cmd-prefix=<command>`'),
  'google-chrome': browser('takes `--renderer-cmd-prefix=<command>`'),
  chromium: browser('takes `--renderer-cmd-prefix=<command>`'),
  'chromium-browser': browser('takes `--renderer-cmd-prefix=<command>`'),
  msedge: browser('takes `--renderer-cmd-prefix=<command>`'),
  brave: browser('takes `--renderer-cmd-prefix=<command>`'),
  electron: 'runs any app directory given as an argument',
  firefox: browser('takes `-profile <dir>` and remote-debugging flags'),
  // Launchers: run the program their arguments name (with or without other rights).
  env: 'runs its arguments as a command',
  sudo: 'runs its arguments as a command, as another user',
  doas: 'runs its arguments as a command, as another user',
  su: 'runs `-c <command>` as another user',
  runuser: 'runs its arguments as a command, as another user',
  pkexec: 'runs its arguments as a command, as another user',
  run0: 'runs its arguments as a command, as another user',
  'systemd-run': 'runs its arguments as a command, as a service',
  nohup: 'runs its arguments as a command',
  flock: 'runs `<lock file> <command>` and `-c <shell command>`',
  sg: 'runs its arguments as a shell command, in another group',
  newgrp: 'starts a shell in another group',
  logsave: 'runs `<log file> <command>`',
  'run-parts': 'runs every program in the folder it is given',
  'xvfb-run': 'runs its arguments as a command',
  'dbus-launch': 'runs its arguments as a command',
  'dbus-run-session': 'runs its arguments as a command',
  'ssh-agent': 'runs its arguments as a command',
  'gpg-agent': 'runs `--daemon <command>`',
  eatmydata: 'runs its arguments as a command',
  fakeroot: 'runs its arguments as a command',
  faketime: 'runs its arguments as a command',
  torsocks: 'runs its arguments as a command',
  proxychains: 'runs its arguments as a command',
  catchsegv: 'runs its arguments as a command',
  setarch: 'runs its arguments as a command',
  linux32: 'runs its arguments as a command',
  linux64: 'runs its arguments as a command',
  numactl: 'runs its arguments as a command',
  cpulimit: 'runs its arguments as a command',
  chpst: 'runs its arguments as a command',
  unbuffer: 'runs its arguments as a command',
  parallel: 'runs its arguments as commands',
  at: 'schedules commands',
  batch: 'schedules commands',
  crontab: 'installs a table of commands from a file',
  entr: 'runs its arguments as a command',
  mpirun: 'runs its arguments as a command',
  perf: 'runs its arguments as a command (`perf record <command>`)',
  lldb: 'a debugger runs its arguments as a command',
  gdbserver: 'runs its arguments as a command',
  m4: 'runs `syscmd(...)` from its input files',
  setsid: 'runs its arguments as a command',
  timeout: 'runs its arguments as a command',
  time: 'runs its arguments as a command',
  nice: 'runs its arguments as a command',
  ionice: 'runs its arguments as a command',
  chrt: 'runs its arguments as a command',
  taskset: 'runs its arguments as a command',
  stdbuf: 'runs its arguments as a command',
  watch: 'runs its arguments as a shell command',
  chroot: 'runs its arguments as a command',
  unshare: 'runs its arguments as a command',
  nsenter: 'runs its arguments as a command',
  setpriv: 'runs its arguments as a command',
  prlimit: 'runs its arguments as a command',
  strace: 'runs its arguments as a command',
  ltrace: 'runs its arguments as a command',
  valgrind: 'runs its arguments as a command',
  script: 'runs `-c <command>` (and `script` reads commands on macOS)',
  tmux: 'runs its arguments as a shell command',
  screen: 'runs its arguments as a command',
  firejail: 'runs its arguments as a command',
  bwrap: 'runs its arguments as a command',
  flatpak: 'runs any installed app and `--command=<program>`',
  snap: 'runs any installed snap',
  docker: 'runs any image with any command',
  podman: 'runs any image with any command',
  'ld-linux': 'the dynamic loader runs any program named as its argument',
  ld: 'the dynamic loader (ld.so) runs any program named as its argument',
  'xdg-open': 'opens any file or URL with whatever program is registered for it',
  'gtk-launch': 'starts any desktop entry its argument names',
  gio: 'opens (`gio open`) or launches (`gio launch`) anything',
  'kde-open': 'opens any file or URL with whatever program is registered for it',
  'gnome-open': 'opens any file or URL with whatever program is registered for it',
  'exo-open': 'opens any file or URL with whatever program is registered for it',
  open: 'macOS: opens any file, URL or app (`-a`), passing `--args`',
  arch: 'macOS: runs its arguments as a command',
  caffeinate: 'macOS: runs its arguments as a command',
  'sandbox-exec': 'macOS: runs its arguments as a command',
  xcrun: 'macOS: runs any developer tool',
  launchctl: 'macOS: starts services and runs `asuser ... <command>`',
  automator: 'macOS: runs workflows',
  scripteditor: 'macOS: runs AppleScript',
  // Compilers and build tools: they run code from the files or folders they are given.
  gcc: 'runs build plugins (`-fplugin`) and writes any file (`-o`); compiles what it is given',
  cc: 'the C compiler (gcc/clang): runs plugins and writes any file',
  'c++': 'the C++ compiler: runs plugins and writes any file',
  'g++': 'the C++ compiler: runs plugins and writes any file',
  clang: 'runs plugins (`-fplugin`) and writes any file (`-o`)',
  'clang++': 'runs plugins (`-fplugin`) and writes any file (`-o`)',
  tcc: 'runs C source (`-run`)',
  cmake: 'runs `-P <script>` and the CMakeLists.txt of any folder',
  ninja: 'runs the build commands of any build file',
  meson: 'runs the build files of any folder',
  cargo: 'runs build scripts of any project and `cargo run`',
  rustc: 'compiles and writes any file; runs proc macros',
  go: 'runs `go run <file>` and `go generate` commands',
  npm: 'runs package scripts (`npm exec`, `npm run`)',
  npx: 'downloads and runs any package',
  pnpm: 'runs package scripts and `pnpm dlx`',
  yarn: 'runs package scripts and `yarn dlx`',
  pip: 'installs packages, which run setup code',
  pipx: 'runs any package (`pipx run`)',
  uv: 'runs any script or package (`uv run`)',
  uvx: 'downloads and runs any package',
  ant: 'runs the tasks of any build file',
  mvn: 'runs the plugins of any project',
  gradle: 'runs any build script',
  // Terminal emulators run `-e <command>` (many also match TERMINAL_MARK).
  konsole: 'a terminal emulator runs `-e <command>`',
  kitty: 'a terminal emulator runs its arguments as a command',
  alacritty: 'a terminal emulator runs `-e <command>`',
  foot: 'a terminal emulator runs its arguments as a command',
  footclient: 'a terminal emulator runs its arguments as a command',
  tilix: 'a terminal emulator runs `-e <command>`',
  guake: 'a terminal emulator runs `-e <command>`',
  yakuake: 'a terminal emulator runs commands',
  tilda: 'a terminal emulator runs `-c <command>`',
  rxvt: 'a terminal emulator runs `-e <command>`',
  urxvt: 'a terminal emulator runs `-e <command>`',
  st: 'a terminal emulator runs `-e <command>`',
  sakura: 'a terminal emulator runs `-e <command>`',
  ghostty: 'a terminal emulator runs `-e <command>`',
  hyper: 'a terminal emulator runs commands',
  tabby: 'a terminal emulator runs commands',
  // Windows: command interpreters and the living-off-the-land binaries that run, load,
  // install or download what their arguments name.
  cmd: 'runs `/c <command>`',
  powershell: 'runs `-Command <code>`',
  pwsh: 'runs `-Command <code>`',
  powershell_ise: 'runs scripts',
  wscript: 'runs any VBScript or JScript file',
  cscript: 'runs any VBScript or JScript file',
  mshta: 'runs HTA (HTML with script) from a file or URL',
  rundll32: 'calls any function of any DLL',
  regsvr32: 'loads any DLL or scriptlet URL (`/i:<url> scrobj.dll`)',
  wsl: 'runs any Linux command',
  conhost: 'runs its arguments as a command',
  forfiles: 'runs `/c <command>`',
  msiexec: 'installs any package, also from a URL',
  schtasks: 'creates tasks that run any command',
  wmic: 'runs `process call create <command>`',
  certutil: 'downloads and decodes files (`-urlcache`, `-decode`)',
  bitsadmin: 'downloads files and runs `/SetNotifyCmdLine <command>`',
  msbuild: 'runs inline tasks (C#) from a project file',
  installutil: 'runs code from any assembly',
  regasm: 'runs code from any assembly',
  regsvcs: 'runs code from any assembly',
  explorer: 'opens any file, URL or program',
  start: 'the cmd built-in (or a start.exe) opens any file, URL or program',
  runas: 'runs its arguments as a command, as another user',
  hh: 'HTML Help runs script from a .chm file or URL',
  control: 'loads any .cpl (a DLL)',
  mmc: 'loads any snap-in (.msc)',
  msdt: 'runs troubleshooting packs (the Follina path)',
  pcalua: 'runs `-a <program>`',
  cmstp: 'installs profiles that run commands',
  odbcconf: 'loads any DLL (`/a {REGSVR <dll>}`)',
  msxsl: 'runs script inside XSL',
  ieexec: 'runs .NET code from a URL',
  presentationhost: 'runs XAML browser applications',
  syncappvpublishingserver: 'runs PowerShell',
  infdefaultinstall: 'runs INF file commands',
  csc: 'compiles any C#',
  vbc: 'compiles any VB.NET',
  jsc: 'compiles any JScript.NET',
};

/** A browser: dangerous with any argument, fine with `allow_args: "url"` (only http(s) URLs). */
interface Browser {
  why: string;
  urlArgsOk: true;
}

function browser(why: string): Browser {
  return { why: `${why}: give it allow_args "url"`, urlArgsOk: true };
}

/** Terminal emulators are too many to list; their names nearly all say so. */
export const TERMINAL_MARK = 'term';

export interface RunnerMatch {
  /** The list entry (or `TERMINAL_MARK`) that matched. */
  name: string;
  why: string;
}

/**
 * The program name a command's file name stands for: lower case, trailing dots and
 * spaces removed (Windows ignores them), without `.exe`/`.com`.
 */
export function programName(command: string): string {
  // Both separators: a Windows path read on Linux (or a config written for another OS).
  const base = path.win32.basename(command).normalize('NFKC').toLowerCase();
  return base.replace(/[. ]+$/, '').replace(/\.(exe|com)$/, '');
}

/**
 * The runner a command's file name names, if any (see {@link ARGUMENT_RUNNERS}), for an
 * entry taking `allowArgs` (browsers are fine with `"url"`).
 */
export function argumentRunner(command: string, allowArgs: true | 'url' = true): RunnerMatch | undefined {
  const name = programName(command);
  for (const [runner, entry] of Object.entries(ARGUMENT_RUNNERS)) {
    const matches = name === runner || (name.startsWith(runner) && !/[a-z]/.test(name.charAt(runner.length)));
    if (!matches) continue;
    if (typeof entry === 'string') return { name: runner, why: entry };
    if (allowArgs === true) return { name: runner, why: entry.why };
  }
  if (name.includes(TERMINAL_MARK)) return { name: TERMINAL_MARK, why: 'a terminal emulator runs `-e <command>`' };
  return undefined;
}

/**
 * A Windows 8.3 short name (`PROGRA~1`, `PYTHON~1.EXE`) in any component: it hides the
 * long name the runner list matches, so it is refused rather than guessed at.
 */
export function hasShortName(command: string): boolean {
  return command.split(/[\\/]/).some((part) => /^[^.~]{1,6}~\d+(\.[^.]*)?$/.test(part));
}

/** `\\server\share\...`, `\\?\...`, `\\.\...` or `//server/...`: code from elsewhere. */
export function isUncPath(command: string): boolean {
  return /^[\\/]{2}/.test(command);
}
