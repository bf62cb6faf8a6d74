#include "spec_graph.h"

#include <limits.h>
#include <string.h>

static void dot_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '\n') {
            fputs("\\n", out);   /* a line break inside a DOT label */
            continue;
        }
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static const char *trigger_label(const struct spec *spec, const struct spec_entrypoint *ep,
                                 char *buf, size_t size)
{
    if (ep->trigger == TRIGGER_STARTUP)
        return "Startup";
    snprintf(buf, size, "per %s on %s",
             ep->trigger == TRIGGER_PIPE ? "message" : "fd set",
             spec->channels[ep->trigger_channel].name);
    return buf;
}

static void graph_entrypoints(const struct spec *spec, FILE *out)
{
    for (size_t e = 0; e < spec->n_entrypoints; e++) {
        const struct spec_entrypoint *ep = &spec->entrypoints[e];
        char label[512], trigger[256];
        snprintf(label, sizeof label, "%s\n(%s)", ep->name,
                 trigger_label(spec, ep, trigger, sizeof trigger));
        fprintf(out, "  ep%zu [shape=box, style=rounded, label=", e);
        dot_string(out, label);
        fputs("];\n", out);
    }
}

/* An edge per channel end: writer -> channel -> reader. */
static void graph_channels(const struct spec *spec, FILE *out)
{
    for (size_t c = 0; c < spec->n_channels; c++) {
        const struct spec_channel *ch = &spec->channels[c];
        fprintf(out, "  ch%zu [shape=%s, label=", c,
                ch->kind == CHANNEL_PIPE ? "cds" : "hexagon");
        char label[300];
        snprintf(label, sizeof label, "%s %s", ch->kind == CHANNEL_PIPE ? "pipe" : "file socket",
                 ch->name);
        dot_string(out, label);
        fputs("];\n", out);
    }
    for (size_t e = 0; e < spec->n_entrypoints; e++) {
        const struct spec_entrypoint *ep = &spec->entrypoints[e];
        if (ep->trigger != TRIGGER_STARTUP)
            fprintf(out, "  ch%d -> ep%zu [label=\"trigger\"];\n", ep->trigger_channel, e);
        for (size_t a = 0; a < ep->n_args; a++) {
            const struct spec_arg *arg = &ep->args[a];
            if (arg->kind == ARG_PIPE_TX || arg->kind == ARG_SOCKET_TX)
                fprintf(out, "  ep%zu -> ch%d;\n", e, arg->channel);
            else if (arg->kind == ARG_PIPE_RX || arg->kind == ARG_SOCKET_RX)
                fprintf(out, "  ch%d -> ep%zu;\n", arg->channel, e);
        }
    }
}

static void graph_resource(FILE *out, size_t e, size_t n, const char *shape, const char *what,
                           const char *value, const char *style)
{
    char label[4200];
    snprintf(label, sizeof label, "%s %s", what, value);
    fprintf(out, "  r%zu_%zu [shape=%s, fontsize=9, label=", e, n, shape);
    dot_string(out, label);
    fprintf(out, "];\n  r%zu_%zu -> ep%zu [style=%s];\n", e, n, e, style);
}

/* What each entrypoint can reach: files and listeners passed as fds, and declared
 * binds (the program's own libraries are left out: they are the same for all). */
static void graph_reach(const struct spec *spec, FILE *out)
{
    for (size_t e = 0; e < spec->n_entrypoints; e++) {
        const struct spec_entrypoint *ep = &spec->entrypoints[e];
        size_t n = 0;
        for (size_t a = 0; a < ep->n_args; a++) {
            const struct spec_arg *arg = &ep->args[a];
            if (arg->kind == ARG_FILE)
                graph_resource(out, e, n++, "note", arg->writable ? "file (rw)" : "file",
                               arg->value, "solid");
            else if (arg->kind == ARG_TCP_LISTENER)
                graph_resource(out, e, n++, "invtriangle", "listen", arg->value, "solid");
        }
        for (size_t i = 0; i < ep->plan.n_ops; i++) {
            const struct mount_op *op = &ep->plan.ops[i];
            if (op->flags & OP_IMPLICIT || op->kind == OP_SYMLINK)
                continue;
            char what[PATH_MAX + 16];
            snprintf(what, sizeof what, "%s%s", op->kind == OP_BIND ? "bind " : "",
                     op->kind == OP_BIND ? (op->flags & OP_RW ? "rw" : "ro")
                     : op->kind == OP_TMPFS ? "tmpfs" : "proc");
            graph_resource(out, e, n++, "folder", what, op->dst, "dashed");
        }
    }
}

void spec_graph(const struct spec *spec, FILE *out)
{
    fputs("digraph void_application {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n",
          out);
    graph_entrypoints(spec, out);
    graph_channels(spec, out);
    graph_reach(spec, out);
    fputs("}\n", out);
}
