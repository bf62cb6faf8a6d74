# The gzip service's throughput (see apps-bars.gp).
load styledir.'/apps-bars.gp'
