"""The served world: the sandbox (scenario + world source + clock + credentials + tokens), its
clock, the event store and ``--db`` file, and the context seam carrier adapters see."""
