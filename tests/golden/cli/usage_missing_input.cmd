eval seed_net.grad
