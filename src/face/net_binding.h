/*
 * net_binding.h: the one interface by which every net pgface runs is opened.
 *
 * The detector, the landmark net and each recognition model are weights in a
 * file of the model directory, bound to a C struct of tensor pointers. A
 * binding says which file and how big the struct is, and checks the file's
 * tensors while pointing the struct at them, so models.c opens them all the
 * same way. Running them differs by stage (a photo in and boxes out, a box in
 * and points out, a chip in and an embedding out), so each stage keeps its own
 * typed run function.
 */
#ifndef PGFACE_NET_BINDING_H
#define PGFACE_NET_BINDING_H

#include <stddef.h>

#include "common/status.h"
#include "nn/model_file.h"

typedef struct pgface_net_binding
{
	const char *file; /* in the model directory */
	size_t net_size;  /* bytes of the struct bind fills */
	pgface_code (*bind)(const pgface_model_file *file, void *net, pgface_status *status);
} pgface_net_binding;

/*
 * Defines `binding` for a net struct `net_type` bound by `typed_bind` (which takes a
 * net_type *): the untyped bind the binding needs, and the binding itself.
 */
#define PGFACE_DEFINE_NET_BINDING(binding, file_name, net_type, typed_bind)                        \
	static pgface_code binding##_untyped(const pgface_model_file *model, void *net,                \
	                                     pgface_status *status)                                    \
	{                                                                                              \
		return typed_bind(model, (net_type *) net, status);                                        \
	}                                                                                              \
	const pgface_net_binding binding = {                                                           \
	    .file = file_name, .net_size = sizeof(net_type), .bind = binding##_untyped}

#endif
