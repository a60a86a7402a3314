;;; claim-lsp.el --- claim-lsp for Markdown claim vaults, through eglot  -*- lexical-binding: t -*-

;; Works with eglot 1.9+ (Debian's elpa-eglot, GNU ELPA) and the eglot built into Emacs 29+.
;; Usage (init.el):
;;   (load "/path/to/claim-lsp/editors/emacs/claim-lsp.el")
;;   (claim-lsp-eglot-setup)          ; M-x eglot in a note, or automatic in vaults (see below)
;; Tested by tests/editors/test_emacs.py (Emacs 28.2, eglot 1.9, markdown-mode 2.5).

;;; Code:

(require 'eglot)
(require 'cl-lib)
(require 'seq)
(require 'project)
(require 'browse-url)

(defgroup claim-lsp nil
  "Language server for Markdown vaults of claim notes."
  :group 'eglot
  :prefix "claim-lsp-")

(defcustom claim-lsp-command '("claim-lsp")
  "Command line that starts the server (it speaks LSP over stdio).
For a server in a virtualenv use its full path, e.g.
(\"~/.venvs/claim/bin/claim-lsp\")."
  :type '(repeat string))

(defcustom claim-lsp-initialization-options nil
  "Server settings sent as initializationOptions, as a plist.
The same keys as the vault's .claim-lsp.toml, e.g.
  (:ignore [\"templates/**\"] :severity (:title-mismatch \"off\"))
Use vectors for JSON arrays.  nil sends an empty object."
  :type 'sexp)

(defcustom claim-lsp-major-modes '(markdown-mode gfm-mode)
  "Major modes of the notes claim-lsp manages."
  :type '(repeat symbol))

(defcustom claim-lsp-auto-start t
  "Whether `claim-lsp-eglot-setup' starts eglot in notes of a claim vault.
A note is one when a .claim-lsp.toml is above it, when it has a `type:' field
in its YAML frontmatter, when claim-lsp already runs for its project, or when
its vault root (found by `claim-lsp-root-markers') holds a note with a `type:'
field among the first `claim-lsp-sample-size' Markdown files under it."
  :type 'boolean)

(defcustom claim-lsp-sample-size 40
  "How many Markdown files under a vault root tell, at most, a claim vault.
A note without a `type:' field of its own (a map, an index) is a vault note
when one of these has one.  They are taken breadth-first from the root found by
`claim-lsp-root-markers' (not the note's own folder, taken for want of one),
skipping hidden folders, node_modules and __pycache__, and only the head of
each is read.  The answer is kept for the session (`claim-lsp-forget-samples')."
  :type 'integer)

(defcustom claim-lsp-root-markers '(".claim-lsp.toml" ".obsidian" ".git")
  "Files or folders marking a vault's root, looked for upwards from a note.
The nearest folder holding one is the vault eglot starts the server for, as
`claim-lsp check' finds it.  Without one eglot takes the note's own folder, and
the server warns when the note's links point above it."
  :type '(repeat string))

(defvar eglot-lsp-context)              ; bound by eglot while it looks for a project

(defun claim-lsp--vault-root (dir)
  "The nearest folder at or above DIR holding one of `claim-lsp-root-markers'."
  (locate-dominating-file
   dir (lambda (folder)
         (seq-some (lambda (marker) (file-exists-p (expand-file-name marker folder)))
                   claim-lsp-root-markers))))

(defun claim-lsp--project (dir)
  "The vault around DIR as a project, when eglot asks in a note.
For `project-find-functions'.  Without it eglot takes the git repository, else
the note's own folder: a vault marked by .claim-lsp.toml or .obsidian, or inside
a larger repository, would be indexed from the wrong folder."
  (when (and (bound-and-true-p eglot-lsp-context)
             (apply #'derived-mode-p claim-lsp-major-modes))
    (let ((root (claim-lsp--vault-root dir)))
      (when root (cons 'transient (file-name-as-directory (expand-file-name root)))))))

(defcustom claim-lsp-graph-depth 2
  "How many edges away from the note `claim-lsp-graph' reaches, either way."
  :type 'integer)

(defun claim-lsp--contact (&optional _interactive)
  "The eglot contact: `claim-lsp-command' plus the initialization options."
  (append (mapcar #'claim-lsp--expand-tilde claim-lsp-command)
          (list :initializationOptions
                (lambda (_server) (or claim-lsp-initialization-options (make-hash-table))))))

(defun claim-lsp--expand-tilde (arg)
  "ARG with a leading ~ expanded (the program itself is looked up on `exec-path')."
  (if (string-prefix-p "~" arg) (expand-file-name arg) arg))

(defun claim-lsp--frontmatter-type-p ()
  "Non-nil if the text from point opens with frontmatter with a `type:' field."
  (and (looking-at-p "---[ \t]*$")
       (re-search-forward "^type[ \t]*:" (save-excursion
                                           (forward-line 1)
                                           (and (re-search-forward "^\\(---\\|\\.\\.\\.\\)[ \t]*$" nil t)
                                                (point)))
                          t)))

(defconst claim-lsp--sample-bytes 4096
  "How much of each sampled file is read: the frontmatter is at its top.")

(defconst claim-lsp--sample-folders 200
  "How many folders the sample looks into at most (for trees of few notes).")

(defvar claim-lsp--samples (make-hash-table :test #'equal)
  "Vault root -> `yes' or `no': whether its sample held a claim note.
Kept for the session.")

(defun claim-lsp-forget-samples ()
  "Forget which vault roots held claim notes (or not): sample them again."
  (interactive)
  (clrhash claim-lsp--samples))

(defun claim-lsp--file-type-p (file)
  "Non-nil if FILE starts with YAML frontmatter holding a `type:' field."
  (with-temp-buffer
    (and (ignore-errors (insert-file-contents file nil 0 claim-lsp--sample-bytes) t)
         (progn (goto-char (point-min)) (claim-lsp--frontmatter-type-p)))))

(defun claim-lsp--sample (root)
  "Non-nil if one of the first Markdown files under ROOT has a `type:' field.
Breadth-first, by name in each folder; bounded by `claim-lsp-sample-size'
files and `claim-lsp--sample-folders' folders, so that a Markdown file in a
large repository does not walk the whole tree."
  (let ((queue (list root)) (folders 0) (files 0) found)
    (while (and queue (not found) (< files claim-lsp-sample-size) (< folders claim-lsp--sample-folders))
      (let ((dir (pop queue)) notes subdirs)
        (setq folders (1+ folders))
        (dolist (name (ignore-errors (directory-files dir)))
          (unless (or (string-prefix-p "." name) (member name '("node_modules" "__pycache__")))
            (let ((path (expand-file-name name dir)))
              ;; only names not ending in .md are looked up: a folder of many notes costs no stat
              (cond ((string-suffix-p ".md" name t) (push path notes))
                    ;; a linked folder is not walked: it may loop back
                    ((and (file-directory-p path) (not (file-symlink-p path))) (push path subdirs))))))
        (dolist (note (nreverse notes))
          (when (and (not found) (< files claim-lsp-sample-size) (file-regular-p note))
            (setq files (1+ files)
                  found (claim-lsp--file-type-p note))))
        (setq queue (append queue (nreverse subdirs)))))
    found))

(defun claim-lsp--samples-claims-p (root)
  "Non-nil if the sample of ROOT's Markdown files holds a claim note (cached)."
  (let* ((root (file-name-as-directory (expand-file-name root)))
         (known (gethash root claim-lsp--samples)))
    (unless known
      (setq known (puthash root (if (claim-lsp--sample root) 'yes 'no) claim-lsp--samples)))
    (eq known 'yes)))

(defun claim-lsp--server-running-p ()
  "Non-nil if eglot runs claim-lsp for the current buffer's project."
  (let ((server (ignore-errors (eglot-current-server))))
    (and server (claim-lsp--server-p server))))

(defun claim-lsp--vault-note-p ()
  "Non-nil if the current buffer is a note of a claim vault.
See `claim-lsp-auto-start' for what makes one: a map or index note without
frontmatter is one too, whichever note of the vault is opened first."
  (and buffer-file-name
       (or (locate-dominating-file buffer-file-name ".claim-lsp.toml")
           (save-excursion
             (save-restriction
               (widen)
               (goto-char (point-min))
               (claim-lsp--frontmatter-type-p)))
           (claim-lsp--server-running-p)
           (let ((root (claim-lsp--vault-root (file-name-directory buffer-file-name))))
             (and root (claim-lsp--samples-claims-p root))))))

(defun claim-lsp--maybe-start ()
  "Start eglot in this note when it belongs to a claim vault."
  (when (and claim-lsp-auto-start (claim-lsp--vault-note-p))
    (eglot-ensure)))

;;;###autoload
(defun claim-lsp-eglot-setup ()
  "Register claim-lsp with eglot for `claim-lsp-major-modes' (ahead of marksman).
Also starts eglot in vault notes (`claim-lsp-auto-start') and keeps the server's
completion order there (`claim-lsp-completion-server-order')."
  (interactive)
  (setq eglot-server-programs
        (cons (cons claim-lsp-major-modes #'claim-lsp--contact)
              (cl-remove-if (lambda (entry) (equal (car entry) claim-lsp-major-modes))
                            eglot-server-programs)))
  (add-hook 'project-find-functions #'claim-lsp--project)
  (add-hook 'eglot-managed-mode-hook #'claim-lsp--note-setup)
  (dolist (mode claim-lsp-major-modes)
    (add-hook (intern (format "%s-hook" mode)) #'claim-lsp--maybe-start)))

;;; Completion in the server's order

(defcustom claim-lsp-completion-server-order t
  "Whether `completion-at-point' offers titles in the order claim-lsp ranked them.
The server matches the text typed after [[ fuzzily and ranks the titles, best
first.  Emacs' completion styles would match again, on the title and against
only the last word typed, and re-sort: eglot up to 1.15 (Emacs 28 and 29)
gives its completions the style `flex', so that [[work offers
\"Homework...\" alone (flex is case-sensitive) and flex's score reorders the
rest; eglot 1.16+ keeps the order in *Completions* but cycling sorts by length.

When non-nil, the notes claim-lsp manages use the completion style
`claim-lsp-server-order' for eglot's completion category, buffer-locally: every
candidate the server sent, in its order, for display and cycling alike.  An
entry for that category in your own `completion-category-overrides' (orderless,
say) is kept: it wins.  Takes effect when eglot starts managing a note."
  :type 'boolean)

(defconst claim-lsp--eglot-categories '(eglot eglot-capf)
  "Eglot's completion category: `eglot' up to eglot 1.15, `eglot-capf' since.")

(defun claim-lsp--server-order-all (_string table pred _point)
  "Every candidate TABLE holds, in its order: the style's `all-completions'.
Eglot's table holds the server's answer for the text typed, which the server
has matched already.  The field eglot completes is only the word before point,
so matching it again would drop titles found for the whole link: \"[[ai risk\"
offers \"AI alignment risk...\", which \"risk\" does not start.  Completing
again (\\[completion-at-point]) asks the server anew.  PRED as for
`all-completions'."
  (all-completions "" table pred))

(defun claim-lsp--server-order-try (string table pred point)
  "Complete STRING to the only candidate, else leave it as it is.
The `try-completion' of the style: with several candidates nothing is
inserted (their common prefix is no title) and *Completions* shows them.
TABLE, PRED and POINT as for `completion-try-completion'."
  (let ((all (claim-lsp--server-order-all string table pred point)))
    (cond ((null all) nil)
          ((cdr all) (cons string point))
          ((equal (car all) string) t)
          (t (cons (car all) (length (car all)))))))

(defun claim-lsp--server-order-metadata (metadata)
  "METADATA with the table's order kept for display and for cycling."
  `(metadata (display-sort-function . identity)
             (cycle-sort-function . identity)
             ,@(cdr metadata)))

(add-to-list 'completion-styles-alist
             '(claim-lsp-server-order
               claim-lsp--server-order-try claim-lsp--server-order-all
               "Every candidate of the table, in its order: the language server matched them."))
;; Emacs 27+ asks a style's `completion--adjust-metadata' for the sort functions (`flex' sets
;; its score there); identity keeps the table's order, which is eglot's list as the server sent it.
(put 'claim-lsp-server-order 'completion--adjust-metadata #'claim-lsp--server-order-metadata)

(defvar-local claim-lsp--own-overrides nil
  "Non-nil when claim-lsp made `completion-category-overrides' local here.")

(defun claim-lsp--completion-order (on)
  "Use `claim-lsp-server-order' for eglot's completions here if ON, else not.
Buffer-local, so other eglot servers (and other buffers) keep the styles they
have; a category your `completion-category-overrides' gives styles keeps
yours."
  (cond ((and on claim-lsp-completion-server-order)
         (let ((own (default-value 'completion-category-overrides)))
           (setq-local completion-category-overrides
                       (append (cl-loop for category in claim-lsp--eglot-categories
                                        for theirs = (cdr (assq category own))
                                        unless (assq 'styles theirs)
                                        collect `(,category (styles claim-lsp-server-order)
                                                            ,@theirs))
                               own))
           (setq claim-lsp--own-overrides t)))
        (claim-lsp--own-overrides
         (kill-local-variable 'completion-category-overrides)
         (setq claim-lsp--own-overrides nil))))

(defvar claim-lsp-note-mode-map
  (let ((map (make-sparse-keymap)))
    ;; Before Emacs 30 `text-mode-map' (markdown-mode's parent) binds C-M-i to
    ;; `ispell-complete-word', so the key eglot's users complete with would look up the
    ;; spelling dictionary instead of asking the server.
    (define-key map [remap ispell-complete-word] #'completion-at-point)
    map)
  "Keys of the notes claim-lsp manages.")

(define-minor-mode claim-lsp-note-mode
  "Minor mode of the notes claim-lsp manages: C-M-i completes links.
\\<claim-lsp-note-mode-map>Turned on and off with eglot's management of a note.
Where Emacs binds C-M-i to `ispell-complete-word' (text modes before Emacs
30), the key runs `completion-at-point' here; to keep ispell on it:
  (define-key claim-lsp-note-mode-map [remap ispell-complete-word] nil)
\\{claim-lsp-note-mode-map}"
  :lighter nil
  :keymap claim-lsp-note-mode-map)

(defun claim-lsp--server-p (server)
  "Non-nil if SERVER, an eglot connection, is claim-lsp (its serverInfo says)."
  (equal (plist-get (eglot--server-info server) :name) "claim-lsp"))

(defun claim-lsp--note-setup ()
  "Set up or undo claim-lsp's keys and completion order in this note.
As eglot starts or stops managing it (`eglot-managed-mode-hook'); the buffers
of other servers are left alone."
  (let* ((server (and (eglot-managed-p) (eglot-current-server)))
         (ours (and server (claim-lsp--server-p server))))
    (when (or ours claim-lsp-note-mode) (claim-lsp-note-mode (if ours 1 -1)))
    (claim-lsp--completion-order ours)))

(defconst claim-lsp--severities ["error" "warning" "info" "info"]
  "LSP DiagnosticSeverity 1-4 as `compilation-mode' reads them.")

;;;###autoload
(defun claim-lsp-check-vault ()
  "List every problem of the vault in the *claim-lsp problems* buffer.
The server's workspace/diagnostic: closed notes included, whatever
diagnostics.scope says.  \[next-error] visits them."
  (interactive)
  (let* ((server (eglot--current-server-or-lose))
         (root (project-root (eglot--project server)))
         (report (jsonrpc-request server :workspace/diagnostic '(:previousResultIds [])))
         (lines nil)
         (notes 0))
    (seq-doseq (doc (plist-get report :items))
      (let ((items (plist-get doc :items))
            (file (file-relative-name (eglot--uri-to-path (plist-get doc :uri)) root)))
        (unless (seq-empty-p items)
          (setq notes (1+ notes))
          (seq-doseq (d items)
            (let ((start (plist-get (plist-get d :range) :start))
                  (severity (or (plist-get d :severity) 1)))
              (push (list file (1+ (plist-get start :line)) (1+ (plist-get start :character))
                          (format "%s: [%s] %s" (aref claim-lsp--severities (1- severity))
                                  (plist-get d :code) (plist-get d :message)))
                    lines))))))
    (setq lines (sort lines (lambda (a b) (if (equal (car a) (car b))
                                              (< (nth 1 a) (nth 1 b))
                                            (string< (car a) (car b))))))
    (with-current-buffer (get-buffer-create "*claim-lsp problems*")
      (let ((inhibit-read-only t))
        (erase-buffer)
        (setq default-directory root)
        (insert (format "claim-lsp: %d problems in %d notes of %s\n\n" (length lines) notes root))
        (dolist (line lines)
          (insert (apply #'format "%s:%d:%d: %s\n" line))))
      (compilation-mode)
      (display-buffer (current-buffer)))
    (message "claim-lsp: %d problems in %d notes" (length lines) notes)))

;;;###autoload
(defun claim-lsp-graph (&optional depth)
  "Show the claim graph around this note in the browser.
The server's claim-lsp/graph request draws the note's neighbourhood, DEPTH edges
away (the prefix argument; default `claim-lsp-graph-depth'), as a self-contained
page; it is written to a temporary file and opened with `browse-url'.  Returns
the file's name."
  (interactive "P")
  (let* ((server (or (eglot-current-server)
                     (user-error "claim-lsp: eglot is not managing this buffer")))
         (depth (if depth (prefix-numeric-value depth) claim-lsp-graph-depth))
         (result (jsonrpc-request server :claim-lsp/graph
                                  (list :uri (plist-get (eglot--TextDocumentIdentifier) :uri)
                                        :depth depth :format "html")))
         (html (and (listp result) (plist-get result :html))))
    (unless (stringp html)
      (user-error "claim-lsp: no graph here (is this a note of the vault?)"))
    (let ((file (make-temp-file "claim-graph-" nil ".html"))
          (coding-system-for-write 'utf-8-unix))
      (write-region html nil file nil 'silent)
      (browse-url (browse-url-file-url file))
      file)))

(provide 'claim-lsp)
;;; claim-lsp.el ends here
