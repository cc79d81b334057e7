frobnicate seed_net.grad
