eval seed_net.grad --set x=4 --set w1=-0.5 --json
