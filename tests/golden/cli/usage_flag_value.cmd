eval seed_net.grad --json=yes
