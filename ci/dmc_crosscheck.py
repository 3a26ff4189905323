#!/usr/bin/env python3
"""Records DeepMind Control trajectories for Topiary's cross-check of its dm_control tasks.

For each task: dm_control resets with a seed, then takes uniformly random actions; the script writes the state
after the reset (qpos, qvel, act, time), every action, and dm_control's own flattened observation and reward after
the reset and after every step, as JSON. DmcCrossCheckTest then puts Topiary's task in the same initial state,
applies the same actions and compares observations and rewards (same MuJoCo library on both sides).

usage: PYTHONPATH=... python3 ci/dmc_crosscheck.py --out FILE [--tasks dog-run,dog-stand,humanoid-run] [--steps N]
Needs dm_control and the mujoco package that Topiary will load (TOPIARY_MUJOCO_LIB). Then:
  TOPIARY_DMC_CROSSCHECK=FILE TOPIARY_DM_CONTROL=<dm_control folder> ./mvnw -B -q test -pl java \
      -Dtest=DmcCrossCheckTest -Dsurefire.failIfNoSpecifiedTests=false
"""
import argparse
import json
import os

import numpy as np
import mujoco
from dm_control import suite


def flatten(observation):
    return np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in observation.values()]).tolist()


def record(task, steps, seed):
    domain, name = task.split("-", 1)
    env = suite.load(domain, name, task_kwargs={"random": seed})
    ts = env.reset()
    physics = env.physics
    spec = env.action_spec()
    rng = np.random.default_rng(seed)
    out = {
        "task": task,
        "mujoco": mujoco.__version__,
        "qpos": physics.data.qpos.tolist(),
        "qvel": physics.data.qvel.tolist(),
        "act": physics.data.act.tolist(),
        "time": float(physics.data.time),
        "observations": [flatten(ts.observation)],
        "rewards": [],
        "actions": [],
    }
    for _ in range(steps):
        action = rng.uniform(spec.minimum, spec.maximum)
        ts = env.step(action)
        out["actions"].append(action.tolist())
        out["observations"].append(flatten(ts.observation))
        out["rewards"].append(float(ts.reward))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True, help="the JSON file to write")
    p.add_argument("--tasks", default="dog-stand,dog-walk,dog-trot,dog-run,humanoid-run",
                   help="comma-separated dm_control tasks (domain-task)")
    p.add_argument("--steps", type=int, default=60, help="control steps per task (not agent steps)")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    data = [record(t, a.steps, a.seed) for t in a.tasks.split(",")]
    with open(a.out + ".tmp", "w") as f:
        json.dump({"trajectories": data}, f)
    os.replace(a.out + ".tmp", a.out)
    print(f"dmc_crosscheck: wrote {len(data)} trajectories of {a.steps} steps to {a.out}")


if __name__ == "__main__":
    main()
