#!/bin/sh
# emacs_recipe_test.sh VTLINT SRCDIR WORKDIR: docs/editors.md's Emacs recipe,
# as a user's init file, in the Emacs installed here (Debian 12: 28 with
# elpa-eglot), in batch mode: eglot starts vtlint and Flymake gets the
# finding on the open C file.
. "$(dirname "$0")/lib.sh"
command -v emacs >/dev/null 2>&1 || { echo "emacs is not installed (scripts/deps.sh --tests)" >&2; exit 1; }
recipe emacs >"$WORK/init.el"
test -s "$WORK/init.el" || { echo "no Emacs recipe in docs/editors.md" >&2; exit 1; }
cat >"$WORK/probe.el" <<L
(find-file "$P/src/app.c")
;; eglot-ensure connects after the command that opened the buffer; batch
;; Emacs has no command loop, so end that "command" by hand.
(run-hooks 'post-command-hook)
(let ((deadline (+ (float-time) 60)))
  (while (and (< (float-time) deadline) (null (flymake-diagnostics)))
    (accept-process-output nil 0.1)))
(let ((diags (flymake-diagnostics)))
 (with-temp-file "$WORK/result.txt"
  (dolist (d diags)
    (let ((beg (flymake-diagnostic-beg d)))
      (insert (format "%d:%d %s %s\n"
                      (with-current-buffer (flymake-diagnostic-buffer d) (line-number-at-pos beg))
                      (with-current-buffer (flymake-diagnostic-buffer d)
                        (save-excursion (goto-char beg) (1+ (- beg (line-beginning-position)))))
                      (flymake-diagnostic-type d)
                      (flymake-diagnostic-text d)))))))
(kill-emacs 0)
L
emacs --version | head -1
cd "$P" && timeout 120 emacs --batch -l "$WORK/init.el" -l "$WORK/probe.el" >"$WORK/log" 2>&1
cat "$WORK/result.txt" 2>/dev/null
grep -q '^10:9 eglot-warning .*\[VT001\]: vtask .v. is consumed a second time' "$WORK/result.txt"
