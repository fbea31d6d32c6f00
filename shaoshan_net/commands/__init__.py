"""One module per `shaoshan-net` subcommand (see shaoshan_net.cli)."""
