eval meta_step.grad --json
