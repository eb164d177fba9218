"""REINFORCE on gymnasium's CartPole-v1: a policy gradient through a graph that differs every
episode.

    python3 examples/reinforce_cartpole.py
    python3 examples/reinforce_cartpole.py --framework torch

The policy is PyTorch's examples/reinforcement_learning/reinforce.py: Linear(4, 128), dropout,
ReLU, Linear(128, 2), softmax, trained with Adam at 1e-2 on discounted returns (gamma 0.99)
normalised per episode. Each episode is as long as the pole stays up, so every backward pass
walks a graph of a different length. The task counts as solved when the running reward (an
exponential average, 0.05 of each new episode) reaches 195, CartPole-v0's threshold.
"""
import gymnasium as gym
import numpy as np

import _common


def add_arguments(parser):
    parser.add_argument("--gamma", type=float, default=0.99, help="discount factor")
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--target", type=float, default=195.0,
                        help="the running reward that counts as solved")


args, torch = _common.parse_args(__doc__.splitlines()[0], epochs=1000,
                                 add_arguments=add_arguments,
                                 epochs_help="the most episodes to play")
nn = torch.nn
F = torch.nn.functional


class Policy(nn.Module):
    """Action probabilities for a CartPole state."""

    def __init__(self):
        super().__init__()
        self.affine1 = nn.Linear(4, 128)
        self.dropout = nn.Dropout(p=0.6)
        self.affine2 = nn.Linear(128, 2)

    def forward(self, x):
        x = F.relu(self.dropout(self.affine1(x)))
        return F.softmax(self.affine2(x), dim=1)


env = gym.make("CartPole-v1")
policy = Policy()
optimizer = torch.optim.Adam(policy.parameters(), lr=args.lr)
eps = np.finfo(np.float32).eps.item()


def play_episode(seed=None):
    """Play one episode, sampling actions from the policy; returns log-probabilities and
    rewards, one of each a step."""
    state, _ = env.reset(seed=seed)
    log_probs, rewards = [], []
    done = False
    while not done:
        probs = policy(torch.from_numpy(state).float().unsqueeze(0))  # (1, 2)
        action = torch.multinomial(probs, 1)                           # (1, 1)
        log_probs.append(probs.gather(1, action).log())
        state, reward, terminated, truncated, _ = env.step(action.item())
        rewards.append(reward)
        done = terminated or truncated
    return log_probs, rewards


def finish_episode(log_probs, rewards):
    """One policy-gradient step: raise the log-probability of each action in proportion to
    the (normalised) discounted return that followed it."""
    returns = []
    future = 0.0
    for reward in reversed(rewards):
        future = reward + args.gamma * future
        returns.insert(0, future)
    returns = torch.tensor(returns)
    returns = (returns - returns.mean()) / (returns.std() + eps)
    loss = -(torch.cat(log_probs).squeeze(1) * returns).sum()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


episodes = 20 if args.quick else args.epochs
running_reward = 10.0
solved_at = None
for episode in _common.progress(range(1, episodes + 1), "episodes"):
    log_probs, rewards = play_episode(seed=args.seed if episode == 1 else None)
    finish_episode(log_probs, rewards)
    running_reward = 0.05 * sum(rewards) + 0.95 * running_reward
    if episode % 10 == 0:
        print(f"episode {episode:4d}  last reward {sum(rewards):5.0f}  "
              f"running reward {running_reward:6.1f}")
    if running_reward >= args.target:
        solved_at = episode
        print(f"solved: running reward {running_reward:.1f} after {episode} episodes")
        break

_common.report(args, solved=solved_at is not None, episodes=episode,
               running_reward=running_reward)
