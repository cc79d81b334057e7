check seed_net.grad --set x=4
