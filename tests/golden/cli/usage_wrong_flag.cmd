eval seed_net.grad --format c
