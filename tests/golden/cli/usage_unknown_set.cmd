eval seed_net.grad --set q=1
