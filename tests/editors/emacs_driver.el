;;; emacs_driver.el --- drive Emacs 28 + eglot against claim-lsp  -*- lexical-binding: t -*-
;; Run by test_emacs.py as:  emacs --batch -Q -l emacs_driver.el   (CLAIM_EDITOR_SPEC=spec.json)
;; Opens the note in markdown-mode, connects eglot with the configuration of editors/emacs/,
;; and records what a user would get: flymake diagnostics, completion-at-point candidates after
;; typing "[[" + a prefix (and the line after accepting the first), the eldoc hover text, and
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

(step "completion"
  ;; type " [[" + prefix at the end of the line (a real buffer edit: eglot sends didChange)
  (goto-lsp (spec 'completion_line) 0) (end-of-line)
  (insert " [[" (spec 'completion_prefix))
  (let* ((capf (eglot-completion-at-point))
         (beg (nth 0 capf)) (end (nth 1 capf)) (table (nth 2 capf))
         (props (nthcdr 3 capf))
         (typed (buffer-substring-no-properties beg end))
         (cands (all-completions "" table))
         (sort-fn (completion-metadata-get (completion-metadata typed table nil) 'display-sort-function))
         (sorted (if sort-fn (funcall sort-fn (copy-sequence cands)) cands)))
    (unless capf (error "eglot-completion-at-point gave nothing"))
    (put-result 'completion (mapcar #'substring-no-properties sorted))
    ;; accept the first candidate as completion-at-point does: replace the typed text with it,
    ;; then run the exit function (which applies the server's textEdit)
    (let ((choice (car sorted)))
      (when choice
        (delete-region beg end) (goto-char beg) (insert choice)
        (let ((exit (plist-get props :exit-function)))
          (when exit (funcall exit choice 'finished)))))
    (put-result 'completion_line (buffer-substring-no-properties (line-beginning-position) (line-end-position)))))

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
