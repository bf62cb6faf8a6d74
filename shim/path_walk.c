#include "path_walk.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_SYMLINKS = 40 };  /* the kernel's limit */

enum node_kind { NODE_DIR, NODE_OTHER, NODE_LINK };

struct node {
    enum node_kind kind;
    bool guessed;            /* NODE_DIR only because readlink said "not a symlink" */
    const char *link_text;   /* NODE_LINK only */
};

/* The state of one resolution: the symlink-free prefix resolved so far and what is
 * left to walk. */
struct walk {
    const char *path, *origin;
    char resolved[PATH_MAX];
    size_t resolved_len;
    char todo[2][PATH_MAX * 2];
    int todo_buf;
    const char *rest;
    int links;
    char last_link[PATH_MAX];    /* the last symlink met, for messages; "" if none */
    const char *last_link_text;
};

static int walk_fail(const struct walk *w, int errnum, struct shim_error *err)
{
    if (w->last_link[0])
        return error_set(err, EXIT_SHIM_ERROR, errnum,
                         "%s %s: %s (reached through symlink %s -> %s)", w->origin,
                         w->path, w->resolved, w->last_link, w->last_link_text);
    return error_set(err, EXIT_SHIM_ERROR, errnum, "%s %s: %s", w->origin, w->path,
                     w->resolved);
}

static int read_link(const char *path, char *text, size_t size, ssize_t *len)
{
    *len = readlink(path, text, size);
    if (*len >= 0 && (size_t)*len == size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return *len < 0 && errno != EINVAL ? -1 : 0;
}

/* What path is. A component with more to come is only asked readlink: if it is not
 * a directory, the next component's lookup fails with ENOTDIR anyway, and the walk
 * costs one system call a component. */
static int lookup_node(struct walk_cache *cache, const char *path, bool final,
                       struct node *out)
{
    const struct node *known = strset_get(&cache->seen, path, NULL);
    if (known && (known->kind != NODE_DIR || !known->guessed || !final)) {
        *out = *known;
        return 0;
    }
    char text[PATH_MAX];
    ssize_t len = -1;
    struct node node = { .kind = NODE_DIR, .guessed = !final };
    if (final) {
        struct stat st;
        if (lstat(path, &st) < 0)
            return -1;
        node.kind = S_ISLNK(st.st_mode) ? NODE_LINK
                    : S_ISDIR(st.st_mode) ? NODE_DIR : NODE_OTHER;
        if (node.kind == NODE_LINK && read_link(path, text, sizeof text, &len) < 0)
            return -1;
    } else {
        if (read_link(path, text, sizeof text, &len) < 0)
            return -1;
        if (len >= 0)
            node.kind = NODE_LINK;
    }
    if (node.kind == NODE_LINK)
        node.link_text = arena_strndup(cache->arena, text, (size_t)len);
    struct node *stored = (struct node *)known;
    if (!stored) {
        stored = arena_alloc(cache->arena, sizeof *stored);
        strset_add(&cache->seen, arena_strdup(cache->arena, path), stored);
    }
    *stored = node;
    *out = node;
    return 0;
}

static void pop_component(struct walk *w)
{
    while (w->resolved_len > 0 && w->resolved[w->resolved_len - 1] != '/')
        w->resolved_len--;
    if (w->resolved_len > 0)
        w->resolved_len--;
    w->resolved[w->resolved_len] = '\0';
}

static int push_component(struct walk *w, const char *name, size_t len)
{
    if (w->resolved_len + 1 + len >= sizeof w->resolved)
        return -1;
    w->resolved[w->resolved_len++] = '/';
    memcpy(w->resolved + w->resolved_len, name, len);
    w->resolved_len += len;
    w->resolved[w->resolved_len] = '\0';
    return 0;
}

/* Continues the walk at the link's text followed by what was left after the link. */
static int follow_link(struct walk *w, const char *text)
{
    int next = !w->todo_buf;
    size_t text_len = strlen(text), rest_len = strlen(w->rest);
    if (text_len + 1 + rest_len >= sizeof w->todo[next])
        return -1;
    char *todo = w->todo[next];
    memcpy(todo, text, text_len);
    todo[text_len] = '/';
    memcpy(todo + text_len + 1, w->rest, rest_len + 1);
    w->todo_buf = next;
    w->rest = todo;
    if (text[0] == '/') {
        w->resolved_len = 0;
        w->resolved[0] = '\0';
    } else {
        pop_component(w);
    }
    return 0;
}

static int add_link_op(struct plan *plan, struct walk *w, const char *text,
                       struct shim_error *err)
{
    if (++w->links > MAX_SYMLINKS)
        return walk_fail(w, ELOOP, err);
    if (!plan_has_dst(plan, w->resolved) &&
        plan_add_op(plan, OP_SYMLINK, 0, text, w->resolved, false, w->origin, err) < 0)
        return -1;
    memcpy(w->last_link, w->resolved, w->resolved_len + 1);
    w->last_link_text = text;
    if (follow_link(w, text) < 0)
        return walk_fail(w, ENAMETOOLONG, err);
    return 0;
}

static int start_walk(struct walk *w, const char *path, const char *origin)
{
    w->resolved_len = 0;
    w->resolved[0] = '\0';
    w->links = 0;
    w->last_link[0] = '\0';
    w->path = path;
    w->origin = origin;
    if (path[0] != '/') {
        if (!getcwd(w->resolved, sizeof w->resolved))
            return -1;
        w->resolved_len = strlen(w->resolved);
        if (w->resolved_len == 1)
            w->resolved_len = 0;
    }
    if (strlen(path) >= sizeof w->todo[0]) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(w->todo[0], path);
    w->todo_buf = 0;
    w->rest = w->todo[0];
    return 0;
}

/* Walks every component; on success the final node's kind is in *last. */
static int walk_components(struct plan *plan, struct walk_cache *cache, struct walk *w,
                           enum node_kind *last, struct shim_error *err)
{
    *last = NODE_DIR;
    for (;;) {
        while (*w->rest == '/')
            w->rest++;
        if (*w->rest == '\0')
            return 0;
        const char *name = w->rest;
        size_t len = strcspn(name, "/");
        w->rest = name + len;
        if (*last != NODE_DIR)
            return walk_fail(w, ENOTDIR, err);
        if (len == 1 && name[0] == '.')
            continue;
        if (len == 2 && name[0] == '.' && name[1] == '.') {
            pop_component(w);
            continue;
        }
        if (push_component(w, name, len) < 0)
            return walk_fail(w, ENAMETOOLONG, err);
        struct node node;
        bool final = w->rest[strspn(w->rest, "/")] == '\0';
        if (lookup_node(cache, w->resolved, final, &node) < 0)
            return walk_fail(w, errno, err);
        if (node.kind == NODE_LINK) {
            if (add_link_op(plan, w, node.link_text, err) < 0)
                return -1;
            *last = NODE_DIR;
            continue;
        }
        *last = node.kind;
    }
}

int path_walk_add(struct plan *plan, struct walk_cache *cache, const char *path,
                  const char *origin, char *canonical, struct shim_error *err)
{
    struct walk w;
    if (start_walk(&w, path, origin) < 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "%s %s", origin, path);
    enum node_kind last;
    if (walk_components(plan, cache, &w, &last, err) < 0)
        return -1;
    const char *dst = w.resolved_len ? w.resolved : "/";
    if (!plan_has_dst(plan, dst) &&
        plan_add_op(plan, OP_BIND, 0, dst, dst, last == NODE_DIR, origin, err) < 0)
        return -1;
    if (canonical)
        strcpy(canonical, dst);
    return 0;
}
