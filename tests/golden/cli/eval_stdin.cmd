eval - --set x=4 --json < seed_net.grad
