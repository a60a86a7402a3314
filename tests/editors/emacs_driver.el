;;; emacs_driver.el --- drive Emacs 28 + eglot against claim-lsp  -*- lexical-binding: t -*-
;; Run by test_emacs.py as:  emacs --batch -Q -l emacs_driver.el   (CLAIM_EDITOR_SPEC=spec.json)
;; Opens the note in markdown-mode, connects eglot with the configuration of editors/emacs/,
;; and records what a user would get: flymake diagnostics, what C-M-i offers after typing
;; "[[" + a prefix (the *Completions* list as shown, the cycling order, and the line after
;; choosing the first shown; the server's own list beside them), the eldoc hover text, and
;; the file xref-find-definitions (M-.) jumps to. Writes JSON to spec.result; Python checks it.
(setq package-user-dir (make-temp-file "elpa" t)      ; never touch ~/.emacs.d/elpa
      native-comp-deferred-compilation nil)
;; -Q skips Debian's site-start, which is what normally adds the elpa-* packages
(setq package-directory-list '("/usr/share/emacs/site-lisp/elpa"))
(package-initialize)
(require 'cl-lib)
(require 'json)
(require 'eglot)
(require 'markdown-mode)
(require 'xref)

(defvar spec (let ((json-object-type 'alist) (json-array-type 'list) (json-key-type 'symbol))
               (json-read-file (getenv "CLAIM_EDITOR_SPEC"))))
(defun spec (key) (alist-get key spec))
(defvar timeout (/ (spec 'timeout_ms) 1000.0))
(defvar result (list (cons 'editor (format "emacs %s eglot %s" emacs-version
                                           (or (ignore-errors (package-version-join (package-desc-version (cadr (assq 'eglot package-alist))))) "?")))))
(defvar errors nil)

;; --- the configuration a user gets from editors/emacs/claim-lsp.el ---
(load (expand-file-name "../../editors/emacs/claim-lsp.el"
                        (file-name-directory (or load-file-name buffer-file-name))))
(setq claim-lsp-command (spec 'server_cmd))
;; initializationOptions as a user writes them in init.el: a plist, vectors for arrays
(setq claim-lsp-initialization-options
      (let ((json-object-type 'plist) (json-array-type 'vector) (json-key-type 'keyword))
        (json-read-from-string (json-encode (spec 'init_options)))))
(claim-lsp-eglot-setup)
(setq eglot-sync-connect t eglot-connect-timeout timeout)

(defun out (fmt &rest args) (princ (concat (apply #'format fmt args) "\n")))
(defun put-result (key value) (push (cons key value) result))
(defun wait-until (pred &optional secs)
  (let ((deadline (+ (float-time) (or secs timeout))))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.02))
    (funcall pred)))
(defmacro step (name &rest body)
  `(condition-case err
       (progn ,@body (out "%s ok" ,name))
     (error (out "%s ERROR %S" ,name err)
            (push (format "%s: %S" ,name err) errors))))
(defun goto-lsp (line character)
  (goto-char (point-min)) (forward-line line) (forward-char character))

;; An "opens" spec (DetectSpec): which notes get the server. Each note is visited in turn, in
;; one session, the way C-x C-f does it, so that claim-lsp.el's own start (`eglot-ensure' from
;; the mode hook) decides; for each the driver records the eglot server managing it (its pid
;; and project root), the flymake diagnostics once the expected broken link is in, and the
;; index size. Python judges.
(defun claim-servers ()
  (let ((n 0))
    (maphash (lambda (_project servers) (setq n (+ n (length servers)))) eglot--servers-by-project)
    n))

(defun claim-status (server)
  "The server's claim-lsp/status once its first indexing is over."
  (let (status)
    (wait-until (lambda ()
                  (setq status (jsonrpc-request server :claim-lsp/status (make-hash-table)))
                  (not (eq (plist-get status :indexing) t))))
    status))

(when (spec 'opens)
  (let ((opens nil) (i 0))
    (dolist (open (spec 'opens))
      (setq i (1+ i))
      (step (format "open %d" i)
        (find-file (alist-get 'file open))
        (switch-to-buffer (current-buffer))
        ;; the command loop runs post-command-hook after C-x C-f: eglot-ensure connects there
        (run-hooks 'post-command-hook)
        (let ((line (alist-get 'broken_line open))
              (seen (list (cons 'file buffer-file-name) (cons 'mode (symbol-name major-mode)))))
          ;; a note that should not get the server gets a second to show it would not
          (wait-until #'eglot-managed-p (if (eq (alist-get 'attach open) t) timeout 1))
          (let ((server (and (eglot-managed-p) (eglot-current-server))))
            (when server
              (push (cons 'server (process-id (jsonrpc--process server))) seen)
              (push (cons 'root (expand-file-name (project-root (eglot--project server)))) seen)
              (when line
                (wait-until (lambda () (cl-some (lambda (d) (= (1- (line-number-at-pos (flymake-diagnostic-beg d)))
                                                                line))
                                                (flymake-diagnostics)))))
              (push (cons 'diagnostics
                          (vconcat (mapcar (lambda (d)
                                             `((line . ,(1- (line-number-at-pos (flymake-diagnostic-beg d))))
                                               (message . ,(flymake-diagnostic-text d))))
                                           (flymake-diagnostics))))
                    seen)
              (push (cons 'notes (plist-get (claim-status server) :notes)) seen)))
          (push (cons 'servers (claim-servers)) seen)
          (push seen opens))))
    (put-result 'opens (vconcat (reverse opens)))
    (put-result 'errors (or (reverse errors) []))
    (with-temp-file (spec 'result) (insert (json-encode result)))
    (ignore-errors (eglot-shutdown-all))
    (kill-emacs (if errors 1 0))))

(find-file (spec 'file))
(switch-to-buffer (current-buffer))   ; eglot's eldoc function answers only for shown buffers
(defvar note-buffer (current-buffer))
(put-result 'vault_detected (and (claim-lsp--vault-note-p) t))

(step "attach"
  (unless (eq major-mode 'markdown-mode) (error "major mode is %s" major-mode))
  ;; `eglot-ensure' waits for a command loop that --batch never runs: connect directly
  (apply #'eglot (eglot--guess-contact))
  (unless (wait-until #'eglot-managed-p) (error "eglot did not manage the buffer")))

(step "diagnostics"
  (let ((pred (lambda () (cl-some (lambda (d) (= (1- (line-number-at-pos (flymake-diagnostic-beg d)))
                                                  (spec 'broken_line)))
                                  (flymake-diagnostics)))))
    (wait-until pred)
    (put-result 'diagnostics
                (mapcar (lambda (d)
                          (let ((beg (flymake-diagnostic-beg d)) (end (flymake-diagnostic-end d)))
                            `((line . ,(1- (line-number-at-pos beg)))
                              (character . ,(save-excursion (goto-char beg) (current-column)))
                              (end_character . ,(save-excursion (goto-char end) (current-column)))
                              (message . ,(flymake-diagnostic-text d))
                              (severity . ,(pcase (flymake-diagnostic-type d)
                                             ((or 'eglot-error :error) "error")
                                             ((or 'eglot-warning :warning) "warning")
                                             (other (format "%s" other)))))))
                        (flymake-diagnostics)))
    (unless (funcall pred) (error "no diagnostic at line %s" (spec 'broken_line)))))

(defun server-labels ()
  "The labels of the server's own answer to a completion request at point, in its order."
  (eglot--signal-textDocument/didChange)   ; as eglot does before its own (deferred) request
  (let ((resp (jsonrpc-request (eglot--current-server-or-lose) :textDocument/completion
                               (eglot--CompletionParams))))
    (mapcar (lambda (item) (plist-get item :label))
            (if (vectorp resp) resp (plist-get resp :items)))))

(defun shown-completions ()
  "The candidates the *Completions* window shows, in reading order (nil if not shown)."
  (let ((buf (get-buffer "*Completions*")) shown)
    (when (and buf (get-buffer-window buf))
      (with-current-buffer buf
        ;; each candidate carries the string it inserts (what `choose-completion' reads); with
        ;; the default `completions-format' (horizontal) the buffer's order is the reading order
        (let ((pos (point-min)))
          (while pos
            (let ((cand (get-text-property pos 'completion--string)))
              (when cand (push (substring-no-properties cand) shown)))
            (setq pos (next-single-property-change pos 'completion--string))))))
    (nreverse shown)))

(defun cycling-completions ()
  "The list cycling goes through (`completion-all-sorted-completions', which
`completion-cycle-threshold' and `minibuffer-force-complete' use) for the field
completion-at-point left active."
  (pcase-let ((`(,start ,end ,table ,pred) completion-in-region--data))
    (let ((minibuffer-completion-table table)
          (minibuffer-completion-predicate pred)
          (completion-all-sorted-completions nil)
          (all nil))
      (let ((rest (completion-all-sorted-completions start end)))
        (while (consp rest) (push (substring-no-properties (car rest)) all) (setq rest (cdr rest))))
      (nreverse all))))

(defun press-C-M-i ()
  "C-M-i as a user presses it: the command the key runs in this buffer."
  (setq last-command nil)
  (execute-kbd-macro (kbd "C-M-i")))

(defun forget-completion ()
  (completion-in-region-mode -1)
  (when (get-buffer "*Completions*") (kill-buffer "*Completions*")))

(defmacro with-link-typed (typed &rest body)
  "Type \" [[\" + TYPED at the end of the completion line (a real edit: eglot sends
didChange), run BODY there, then put the line back as it was."
  (declare (indent 1))
  `(progn
     (goto-lsp (spec 'completion_line) 0)
     (let ((line-start (copy-marker (line-beginning-position)))
           (original (buffer-substring-no-properties (line-beginning-position) (line-end-position))))
       (end-of-line)
       (insert " [[" ,typed)
       (unwind-protect (save-window-excursion ,@body)
         (forget-completion)
         (goto-char line-start)
         (delete-region (line-beginning-position) (line-end-position))
         (insert original)
         ;; eglot sends it on an idle timer, which --batch never reaches
         (eglot--signal-textDocument/didChange)))))

(defun offered (key)
  "Press C-M-i in the link typed and record, under KEY: what *Completions* shows, the
cycling order, the server's own list, and the line after choosing the first shown."
  (let ((server (server-labels)))
    (forget-completion)
    (press-C-M-i)
    (let ((shown (shown-completions)))
      (put-result key shown)
      (put-result (intern (format "%s_server" key)) server)
      (put-result (intern (format "%s_cycle" key))
                  (and completion-in-region-mode (cycling-completions)))
      ;; choose the first candidate in *Completions* as a click or RET there does
      (when shown
        (with-selected-window (get-buffer-window "*Completions*")
          (goto-char (point-min))
          (next-completion 1)
          (choose-completion)))
      (put-result (intern (format "%s_line" key))
                  (buffer-substring-no-properties (line-beginning-position) (line-end-position))))))

(step "completion"
  (put-result 'completion_command (format "%s" (key-binding (kbd "C-M-i"))))
  (put-result 'completion_styles
              (format "%S" (completion--styles (completion-metadata "" (nth 2 (eglot-completion-at-point)) nil))))
  (with-link-typed (spec 'completion_prefix)
    (offered 'completion))
  ;; cycling (completion-cycle-threshold): the first C-M-i inserts the first candidate
  (with-link-typed (spec 'completion_prefix)
    (let ((completion-cycle-threshold t)
          (from (- (point) (length (spec 'completion_prefix)))))
      (press-C-M-i)
      (put-result 'completion_cycle_first (buffer-substring-no-properties from (point)))))
  (with-link-typed (spec 'completion_fuzzy_prefix)
    (offered 'completion_fuzzy)))

(step "hover"
  (goto-lsp (spec 'hover_line) (spec 'hover_character))
  (let (doc)
    ;; what eldoc shows (eglot 1.9's eldoc function takes a callback)
    (ignore-errors (eglot-hover-eldoc-function (lambda (info &rest _) (setq doc info))))
    (wait-until (lambda () doc) timeout)
    (put-result 'hover_via (if doc "eldoc" "jsonrpc-request"))
    (unless doc
      ;; fall back to the raw request so the failure message says what the server sent
      (let* ((h (jsonrpc-request (eglot--current-server-or-lose) :textDocument/hover
                                 (eglot--TextDocumentPositionParams)))
             (c (plist-get h :contents)))
        (setq doc (format "%s" (if (stringp c) c (or (plist-get c :value) c))))))
    (put-result 'hover (substring-no-properties doc))))

(step "definition"
  (goto-lsp (spec 'hover_line) (spec 'hover_character))
  (let ((xref-prompt-for-identifier nil))
    (call-interactively #'xref-find-definitions))
  (wait-until (lambda () (not (eq (window-buffer) note-buffer))) 2)
  (put-result 'definition_file (buffer-file-name (window-buffer)))
  (put-result 'definition_line (with-current-buffer (window-buffer) (1- (line-number-at-pos)))))

(step "backlinks"
  ;; M-? on the H1 of the note go-to-definition opened: eglot's xref backend asks for references
  (with-current-buffer (window-buffer)
    (unless (equal (buffer-file-name) (spec 'definition_file)) (error "not in the linked note"))
    (goto-char (point-min))
    (re-search-forward "^# ")
    (let* ((backend (xref-find-backend))
           (id (xref-backend-identifier-at-point backend))
           (xrefs (xref-backend-references backend id)))
      (put-result 'backlinks
                  (vconcat (mapcar (lambda (x)
                                     (let ((loc (xref-item-location x)))
                                       `((file . ,(xref-location-group loc))
                                         (line . ,(1- (xref-location-line loc)))
                                         (text . ,(substring-no-properties (xref-item-summary x))))))
                                   xrefs))))))

(put-result 'errors (or (reverse errors) []))
(with-temp-file (spec 'result) (insert (json-encode result)))
(with-current-buffer note-buffer
  (ignore-errors (eglot-shutdown (eglot-current-server))))
(kill-emacs (if errors 1 0))
