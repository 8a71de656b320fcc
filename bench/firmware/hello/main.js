// bench:firmware's baseline: nothing but a trace.
trace("hello\n");
