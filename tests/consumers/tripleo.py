def scenarios(env):
    return []
