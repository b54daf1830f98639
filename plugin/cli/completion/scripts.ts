// The completion scripts `kubectl intercept completion SHELL` prints. Each one only asks the
// binary (`kubectl-intercept __complete WORDS... CURRENT`) and shows its answer, in the protocol
// kubectl's own plugin completion uses (Cobra's): one candidate a line, TAB and a description
// optional, then `:DIRECTIVE` (4: no file names; 0: file names are fine too).

export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type Shell = (typeof SHELLS)[number];

const bash = `# bash completion for kubectl-intercept; load it with: source <(kubectl-intercept completion bash)
_kubectl_intercept() {
  # The words as typed (bash's own split breaks at = and :), the last being the one to complete.
  local line=\${COMP_LINE:0:COMP_POINT} out directive candidate
  local -a words
  read -ra words <<< "$line"
  [[ $line == *[[:space:]] ]] && words+=("")
  local cur=\${words[\${#words[@]}-1]}
  # Bash replaces only what follows the last = or : of the word.
  local prefix=\${cur%"\${cur##*[=:]}"}
  out=$("\${words[0]}" __complete "\${words[@]:1}" 2>/dev/null) || return 0
  directive=\${out##*:}
  COMPREPLY=()
  while IFS= read -r candidate; do
    [[ $candidate == :* ]] && continue
    candidate=\${candidate%%$'\\t'*}
    [[ $candidate == "$cur"* ]] && COMPREPLY+=("\${candidate#"$prefix"}")
  done <<< "$out"
  if [[ \${#COMPREPLY[@]} -eq 0 && $directive != 4 ]]; then compopt -o default 2>/dev/null; fi
  return 0
}
complete -o nosort -F _kubectl_intercept kubectl-intercept 2>/dev/null || complete -F _kubectl_intercept kubectl-intercept
`;

const zsh = `#compdef kubectl-intercept
# zsh completion for kubectl-intercept; load it with: source <(kubectl-intercept completion zsh)
_kubectl_intercept() {
  local -a lines candidates
  local out directive line
  out=$("\${words[1]}" __complete "\${(@)words[2,CURRENT-1]}" "\${words[CURRENT]}" 2>/dev/null) || return 1
  lines=("\${(@f)out}")
  directive=\${lines[-1]#:}
  for line in "\${(@)lines[1,-2]}"; do
    if [[ $line == *$'\\t'* ]]; then candidates+=("\${\${line%%$'\\t'*}//:/\\\\:}:\${line#*$'\\t'}"); else candidates+=("\${line//:/\\\\:}"); fi
  done
  if (( \${#candidates} )); then _describe 'kubectl-intercept' candidates; elif [[ $directive != 4 ]]; then _files; fi
}
compdef _kubectl_intercept kubectl-intercept
`;

const fish = `# fish completion for kubectl-intercept; load it with: kubectl-intercept completion fish | source
function __kubectl_intercept_complete
    set -l words (commandline -opc)
    kubectl-intercept __complete $words[2..-1] (commandline -ct) 2>/dev/null | string match -v -r '^:'
end
complete -c kubectl-intercept -f -a '(__kubectl_intercept_complete)'
`;

const powershell = `# PowerShell completion for kubectl-intercept; load it with:
#   kubectl-intercept completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName 'kubectl-intercept', 'kubectl-intercept.exe' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
    if ($wordToComplete -eq '') { $words += '' }
    $out = @(& kubectl-intercept __complete @words 2>$null)
    foreach ($line in $out) {
        if ($line.StartsWith(':')) { continue }
        $parts = $line -split "\`t", 2
        $tip = if ($parts.Length -gt 1) { $parts[1] } else { $parts[0] }
        if ($parts[0] -like "$wordToComplete*") {
            [System.Management.Automation.CompletionResult]::new($parts[0], $parts[0], 'ParameterValue', $tip)
        }
    }
}
`;

export function completionScript(shell: Shell): string {
  return { bash, zsh, fish, powershell }[shell];
}

/**
 * kubectl 1.26+ completes `kubectl intercept ...` by running `kubectl_complete-intercept WORDS...`
 * from PATH; this is that file, pointing at the binary by the path it was run as.
 */
export function kubectlPluginShim(binary: string, platform: NodeJS.Platform = process.platform): { name: string; text: string } {
  if (platform === 'win32') return { name: 'kubectl_complete-intercept.cmd', text: `@"${binary}" __complete %*\r\n` };
  return {
    name: 'kubectl_complete-intercept',
    text: `#!/bin/sh\n# kubectl runs this to complete \`kubectl intercept ...\`; written by \`kubectl intercept completion kubectl-plugin\`.\nexec '${binary.replace(/'/g, `'\\''`)}' __complete "$@"\n`,
  };
}
