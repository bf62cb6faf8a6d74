# The TLS terminator's requests per second (see apps-bars.gp).
load styledir.'/apps-bars.gp'
