/* The human-readable listing of a validated spec, for --check and --verbose. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

static const char *trigger_text(const struct spec *spec, const struct spec_entrypoint *ep,
                                char *buf, size_t size)
{
    if (ep->trigger == TRIGGER_STARTUP)
        return "Startup";
    snprintf(buf, size, "%s %s", ep->trigger == TRIGGER_PIPE ? "Pipe" : "FileSocket",
             spec->channels[ep->trigger_channel].name);
    return buf;
}

static void print_arg(const struct spec_arg *arg, FILE *out)
{
    switch (arg->kind) {
    case ARG_BINARY_NAME: fputs("BinaryName", out); return;
    case ARG_ENTRYPOINT: fputs("Entrypoint", out); return;
    case ARG_TRIGGER: fputs("Trigger", out); return;
    case ARG_TRAILING: fputs("Trailing", out); return;
    case ARG_FILE: fprintf(out, "File(%s%s)", arg->value, arg->writable ? ", rw" : ""); return;
    case ARG_PIPE_RX: fprintf(out, "Pipe.Rx(%s)", arg->value); return;
    case ARG_PIPE_TX: fprintf(out, "Pipe.Tx(%s)", arg->value); return;
    case ARG_SOCKET_RX: fprintf(out, "FileSocket.Rx(%s)", arg->value); return;
    case ARG_SOCKET_TX: fprintf(out, "FileSocket.Tx(%s)", arg->value); return;
    case ARG_TCP_LISTENER: fprintf(out, "TcpListener(%s)", arg->value); return;
    }
}

/* plan_print's lines, indented under their entrypoint. */
static void print_plan_indented(const struct plan *plan, FILE *out)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return;
    plan_print(plan, mem);
    fclose(mem);
    for (char *line = text, *end; line && *line; line = end + 1) {
        end = strchrnul(line, '\n');
        fprintf(out, "  %.*s\n", (int)(end - line), line);
        if (!*end)
            break;
    }
    free(text);
}

static void print_entrypoint(const struct spec *spec, const struct spec_entrypoint *ep,
                             FILE *out)
{
    char buf[512];
    fprintf(out, "entrypoint %s\n", ep->name);
    fprintf(out, "  trigger %s\n", trigger_text(spec, ep, buf, sizeof buf));
    fputs("  args   ", out);
    for (size_t i = 0; i < ep->n_args; i++) {
        fputc(' ', out);
        print_arg(&ep->args[i], out);
    }
    fputc('\n', out);
    print_plan_indented(&ep->plan, out);
    fprintf(out, "  uts     domainname=%s\n", ep->domainname ? ep->domainname : "(none)");
    for (size_t i = 0; i < ep->n_cgroup_limits; i++)
        fprintf(out, "  cgroup  %s=%s\n", ep->cgroup_limits[i].file,
                ep->cgroup_limits[i].value);
}

static bool writes_to(const struct spec_entrypoint *ep, int channel)
{
    for (size_t i = 0; i < ep->n_args; i++)
        if ((ep->args[i].kind == ARG_PIPE_TX || ep->args[i].kind == ARG_SOCKET_TX) &&
            ep->args[i].channel == channel)
            return true;
    return false;
}

static void print_channel(const struct spec *spec, int index, FILE *out)
{
    const struct spec_channel *ch = &spec->channels[index];
    fprintf(out, "%s %s: reader %s (%s), writers", ch->kind == CHANNEL_PIPE ? "pipe" :
            "file socket", ch->name, ch->reader >= 0 ? spec->entrypoints[ch->reader].name : "-",
            ch->reader_is_trigger ? "trigger" : "Rx argument");
    for (size_t i = 0; i < spec->n_entrypoints; i++)
        if (writes_to(&spec->entrypoints[i], index))
            fprintf(out, " %s", spec->entrypoints[i].name);
    fputc('\n', out);
}

void spec_print(const struct spec *spec, FILE *out)
{
    fprintf(out, "spec %s: %zu entrypoint%s, %zu channel%s\n", spec->path,
            spec->n_entrypoints, spec->n_entrypoints == 1 ? "" : "s", spec->n_channels,
            spec->n_channels == 1 ? "" : "s");
    for (size_t i = 0; i < spec->n_entrypoints; i++)
        print_entrypoint(spec, &spec->entrypoints[i], out);
    for (size_t i = 0; i < spec->n_channels; i++)
        print_channel(spec, (int)i, out);
}
