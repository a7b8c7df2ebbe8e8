/* SPDX-License-Identifier: Apache-2.0 */
/* The task's file tree and descriptor table.
 *
 * The tree is tiny (the image's files, the inputs, the outputs), so nodes
 * live in one array and a lookup is a linear scan. Paths are walked one
 * component at a time against the tree itself, which gives Linux's answers
 * for "..", ".", doubled slashes, files used as directories and overlong
 * names without any string rewriting that could be fooled. */

#include "guest/sys/sys_internal.h"

#define ROOT 0

static int64_t find_child(const struct sys_task *t, size_t dir, const char *name)
{
	for (size_t i = 1; i < t->n_nodes; i++)
		if (t->nodes[i].parent == dir && sys_strcmp(t->nodes[i].name, name) == 0)
			return (int64_t)i;
	return -1;
}

int sys_vfs_add(struct sys_task *t, size_t parent, const char *name, int is_dir, int writable, size_t *out)
{
	struct sys_node *n;

	if (t->n_nodes == t->cap_nodes) {
		size_t cap = t->cap_nodes ? t->cap_nodes * 2 : 16;
		struct sys_node *p = sys_resize(t, t->nodes, cap, sizeof *p);

		if (!p)
			return -LX_ENOMEM;
		t->nodes = p;
		t->cap_nodes = cap;
	}
	n = &t->nodes[t->n_nodes];
	memset(n, 0, sizeof *n);
	n->name = sys_strdup(t, name);
	if (!n->name)
		return -LX_ENOMEM;
	n->parent = t->n_nodes == 0 ? ROOT : parent;
	n->is_dir = is_dir;
	n->writable = writable;
	if (out)
		*out = t->n_nodes;
	t->n_nodes++;
	return 0;
}

/* Takes the next component of *p into name; returns its length, 0 at the
 * end, -ENAMETOOLONG past NAME_MAX. Leaves *p after it. */
static int next_component(const char **p, char name[SYS_NAME_MAX + 1])
{
	const char *s = *p, *e;
	size_t len;

	while (*s == '/')
		s++;
	e = s;
	while (*e && *e != '/')
		e++;
	len = (size_t)(e - s);
	if (len > SYS_NAME_MAX)
		return -LX_ENAMETOOLONG;
	memcpy(name, s, len);
	name[len] = 0;
	*p = e;
	return (int)len;
}

int sys_vfs_walk(const struct sys_task *t, size_t start, const char *path, struct sys_walk *w)
{
	size_t cur = *path == '/' ? ROOT : start;
	const char *p = path;
	size_t plen = sys_strlen(path);
	char name[SYS_NAME_MAX + 1];
	int len;

	memset(w, 0, sizeof *w);
	if (plen == 0)
		return -LX_ENOENT;
	w->trailing_slash = path[plen - 1] == '/';
	w->node = (int64_t)cur;
	w->parent = t->nodes[cur].parent;
	while ((len = next_component(&p, name)) > 0) {
		int64_t child;

		if (!t->nodes[cur].is_dir)
			return -LX_ENOTDIR;
		if (sys_strcmp(name, ".") == 0)
			child = (int64_t)cur;
		else if (sys_strcmp(name, "..") == 0)
			child = (int64_t)t->nodes[cur].parent;
		else
			child = find_child(t, cur, name);
		w->parent = cur;
		memcpy(w->name, name, (size_t)len + 1);
		if (child < 0) {
			const char *rest = p;

			/* only the last component may be missing */
			while (*rest == '/')
				rest++;
			if (*rest)
				return -LX_ENOENT;
			w->node = -1;
			return 0;
		}
		cur = (size_t)child;
		w->node = child;
	}
	if (len < 0)
		return len;
	if (w->node >= 0 && w->trailing_slash && !t->nodes[w->node].is_dir)
		return -LX_ENOTDIR;
	return 0;
}

int sys_vfs_resolve(struct sys_task *t, int64_t dirfd, uint64_t path_gva, struct sys_walk *w)
{
	char path[SYS_PATH_MAX];
	size_t start = t->cwd;
	int rc = sys_mem_string(t, path_gva, path, sizeof path);

	if (rc < 0)
		return rc;
	if (path[0] != '/' && path[0] && (int32_t)dirfd != LX_AT_FDCWD) {
		struct sys_file *f = sys_fd_get(t, (int32_t)dirfd);

		if (!f)
			return -LX_EBADF;
		if (f->kind != SYS_FILE_NODE || !t->nodes[f->node].is_dir)
			return -LX_ENOTDIR;
		start = f->node;
	}
	return sys_vfs_walk(t, start, path, w);
}

int sys_vfs_create_output(struct sys_task *t, const struct sys_walk *w, size_t *out)
{
	size_t *list;
	int rc;

	if (!t->nodes[w->parent].writable)
		return -LX_EROFS;
	if (w->trailing_slash)
		return -LX_EISDIR;
	if (t->n_outputs >= t->cfg.max_output_files) {
		sys_stop_task(t, SYS_STOP_FILE_LIMIT);
		return -LX_EDQUOT;
	}
	list = sys_resize(t, t->outputs, t->n_outputs + 1, sizeof *list);
	if (!list)
		return -LX_ENOMEM;
	t->outputs = list;
	rc = sys_vfs_add(t, w->parent, w->name, 0, 1, out);
	if (rc < 0)
		return rc;
	t->outputs[t->n_outputs++] = *out;
	return 0;
}

int sys_node_reserve(struct sys_task *t, struct sys_node *n, uint64_t end)
{
	uint64_t cap = n->cap ? n->cap : 4096;
	uint8_t *p;

	if (end <= n->cap)
		return 0;
	while (cap < end)
		cap = cap > UINT64_MAX / 2 ? end : cap * 2;
	if (cap > SIZE_MAX)
		return -LX_ENOMEM;
	p = sys_resize(t, n->data, (size_t)cap, 1);
	if (!p)
		return -LX_ENOMEM;
	n->data = p;
	n->cap = (size_t)cap;
	return 0;
}

/* ---- descriptors ---- */

struct sys_file *sys_file_new(struct sys_task *t, enum sys_file_kind kind, size_t node, int flags)
{
	struct sys_file *f = sys_alloc(t, 1, sizeof *f);

	if (!f)
		return NULL;
	f->refs = 1;
	f->kind = kind;
	f->node = node;
	f->flags = flags;
	return f;
}

void sys_file_put(struct sys_task *t, struct sys_file *f)
{
	if (f && --f->refs == 0)
		sys_release(t, f);
}

struct sys_file *sys_fd_get(struct sys_task *t, int64_t fd)
{
	if (fd < 0 || fd >= (int64_t)t->n_fds)
		return NULL;
	return t->fds[fd].file;
}

/* Puts f (whose reference the caller hands over) into the lowest free slot
 * at or above min_fd. */
int sys_fd_install(struct sys_task *t, struct sys_file *f, unsigned min_fd, int cloexec)
{
	for (unsigned i = min_fd; i < t->n_fds; i++) {
		if (!t->fds[i].file) {
			t->fds[i].file = f;
			t->fds[i].cloexec = cloexec;
			return (int)i;
		}
	}
	return -LX_EMFILE;
}

int sys_fd_close(struct sys_task *t, int64_t fd)
{
	struct sys_file *f = sys_fd_get(t, fd);

	if (!f)
		return -LX_EBADF;
	t->fds[fd].file = NULL;
	t->fds[fd].cloexec = 0;
	sys_file_put(t, f);
	return 0;
}

static int open_std(struct sys_task *t, enum sys_file_kind kind, int fd, int flags)
{
	struct sys_file *f = sys_file_new(t, kind, 0, flags);

	if (!f)
		return -LX_ENOMEM;
	f->stream_fd = fd;
	t->fds[fd].file = f;
	return 0;
}

int sys_vfs_init(struct sys_task *t)
{
	size_t input, output;

	t->n_fds = t->cfg.max_open_files;
	t->fds = sys_alloc(t, t->n_fds, sizeof *t->fds);
	if (!t->fds)
		return -LX_ENOMEM;
	if (sys_vfs_add(t, ROOT, "", 1, 0, NULL) < 0 ||
	    sys_vfs_add(t, ROOT, "input", 1, 0, &input) < 0 ||
	    sys_vfs_add(t, ROOT, "output", 1, 1, &output) < 0)
		return -LX_ENOMEM;
	if (open_std(t, SYS_FILE_STDIN, 0, LX_O_RDONLY) < 0 ||
	    open_std(t, SYS_FILE_STREAM, 1, LX_O_WRONLY) < 0 ||
	    open_std(t, SYS_FILE_STREAM, 2, LX_O_WRONLY) < 0)
		return -LX_ENOMEM;
	return 0;
}

void sys_vfs_free(struct sys_task *t)
{
	for (unsigned i = 0; t->fds && i < t->n_fds; i++)
		sys_file_put(t, t->fds[i].file);
	sys_release(t, t->fds);
	for (size_t i = 0; i < t->n_nodes; i++) {
		sys_release(t, t->nodes[i].name);
		sys_release(t, t->nodes[i].data);
	}
	sys_release(t, t->nodes);
	sys_release(t, t->outputs);
}

static int add_file_node(struct sys_task *t, size_t dir, const char *name, const void *data, size_t len)
{
	uint8_t *copy = sys_alloc(t, len ? len : 1, 1);
	size_t idx;
	int rc;

	if (!copy)
		return -LX_ENOMEM;
	rc = sys_vfs_add(t, dir, name, 0, 0, &idx);
	if (rc < 0) {
		sys_release(t, copy);
		return rc;
	}
	if (len)
		memcpy(copy, data, len);
	t->nodes[idx].data = copy;
	t->nodes[idx].len = len;
	t->nodes[idx].cap = len;
	return 0;
}

/* Image files and inputs: the path must be absolute and clean, and every
 * directory on the way is created read-only if missing. */
int sys_task_add_file(struct sys_task *t, const char *path, const void *data, size_t len)
{
	const char *p = path;
	char name[SYS_NAME_MAX + 1];
	size_t cur = ROOT, idx;
	int n, rc;

	if (!t || !path || path[0] != '/' || (len && !data) || sys_strlen(path) >= SYS_PATH_MAX ||
	    path[sys_strlen(path) - 1] == '/')
		return -LX_EINVAL;
	while ((n = next_component(&p, name)) > 0) {
		int last = *p == 0;
		int64_t child;

		if (sys_strcmp(name, ".") == 0 || sys_strcmp(name, "..") == 0)
			return -LX_EINVAL;
		if (!t->nodes[cur].is_dir)
			return -LX_EINVAL;
		child = find_child(t, cur, name);
		if (last) {
			if (child >= 0)
				return -LX_EEXIST;
			return add_file_node(t, cur, name, data, len);
		}
		if (child < 0) {
			rc = sys_vfs_add(t, cur, name, 1, 0, &idx);
			if (rc < 0)
				return rc;
			child = (int64_t)idx;
		}
		cur = (size_t)child;
	}
	return n < 0 ? n : -LX_EINVAL;
}
