eval seed_net.grad --set x=abc
