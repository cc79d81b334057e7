eval seed_net.grad --set x=4
