/* void-shim --graph SPEC: the application as a Graphviz DOT graph. */
#ifndef VOID_SPEC_GRAPH_H
#define VOID_SPEC_GRAPH_H

#include <stdio.h>

#include "spec.h"

/* Entrypoints (boxes, with their trigger), pipes and file sockets (edges from writers
 * to readers), and what each entrypoint can reach: files, listeners, binds. */
void spec_graph(const struct spec *spec, FILE *out);

#endif
