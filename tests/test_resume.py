"""Resuming from a checkpoint in a fresh process continues training bit for bit.

A run of N + M steps is compared with a run stopped after N steps, saved with ember.save, and
continued for M steps by a new Python process that loads the checkpoint. The model has
dropout (so the global RNG state matters) and the DataLoader shuffles with its own generator
(so that generator's state matters); the checkpoint holds model, optimizer, scheduler, the
global RNG state, the loader generator's state at the start of the epoch, and the position in
the epoch. The stop falls mid-epoch, and the continuation crosses an epoch boundary.
"""
import subprocess
import sys
import textwrap

import numpy as np

import ember

FIRST_STEPS = 7   # the checkpoint falls on the 3rd of the 5 batches of epoch 2
MORE_STEPS = 6    # the resumed run finishes epoch 2 and starts epoch 3

TRAINER = textwrap.dedent('''
    """Train a small model; `full` also checkpoints mid-way, `resume` continues from it."""
    import sys

    import ember
    from ember import nn

    mode, checkpoint, out = sys.argv[1], sys.argv[2], sys.argv[3]
    first_steps, more_steps = int(sys.argv[4]), int(sys.argv[5])

    ember.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 3))
    optimizer = ember.optim.Adam(model.parameters(), lr=0.01)
    scheduler = ember.optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.5)
    data_generator = ember.Generator().manual_seed(1)
    inputs = ember.randn(40, 8, generator=data_generator)
    targets = ember.randint(0, 3, (40,), generator=data_generator)
    loader_generator = ember.Generator().manual_seed(2)
    loader = ember.utils.data.DataLoader(ember.utils.data.TensorDataset(inputs, targets),
                                         batch_size=8, shuffle=True, generator=loader_generator)
    # Where the run is: the loader generator's state when the epoch began (the epoch's order
    # is drawn from it) and how many of the epoch's batches are done.
    position = {"epoch_start": loader_generator.get_state(), "batch": 0}

    def train(steps, rng_state=None):
        done = 0
        while True:
            if position["batch"] == 0:
                position["epoch_start"] = loader_generator.get_state()
            loader_generator.set_state(position["epoch_start"])
            batches = iter(loader)
            for _ in range(position["batch"]):
                next(batches)
            if rng_state is not None:  # after replaying the order: dropout's draws come next
                ember.set_rng_state(rng_state)
                rng_state = None
            for x, y in batches:
                if done == steps:
                    return
                loss = nn.functional.cross_entropy(model(x), y)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                scheduler.step()
                position["batch"] += 1
                done += 1
            position["batch"] = 0

    if mode == "full":
        train(first_steps)
        ember.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(), "rng": ember.get_rng_state(),
                    "position": position}, checkpoint)
        train(more_steps)
    else:
        state = ember.load(checkpoint)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        position.update(state["position"])
        train(more_steps, rng_state=state["rng"] if mode == "resume" else None)
    ember.save(model.state_dict(), out)
''')


def run_trainer(tmp_path, mode, out):
    script = tmp_path / "trainer.py"
    script.write_text(TRAINER)
    subprocess.run([sys.executable, str(script), mode, str(tmp_path / "checkpoint.pt"),
                    str(tmp_path / out), str(FIRST_STEPS), str(MORE_STEPS)],
                   check=True, timeout=120)
    return ember.load(tmp_path / out)


def same_bits(a, b):
    return a.keys() == b.keys() and all(
        np.asarray(a[k]).tobytes() == np.asarray(b[k]).tobytes() for k in a)


def test_resume_in_a_fresh_process_matches_an_uninterrupted_run(tmp_path):
    uninterrupted = run_trainer(tmp_path, "full", "full.pt")
    resumed = run_trainer(tmp_path, "resume", "resumed.pt")
    assert same_bits(uninterrupted, resumed)
    # The comparison can fail: without the global RNG state, dropout draws other masks.
    without_rng = run_trainer(tmp_path, "resume_without_rng", "without_rng.pt")
    assert not same_bits(uninterrupted, without_rng)
