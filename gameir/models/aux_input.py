"""G-buffer inputs for networks that tie more than their first convolution to RGB (RCAN, SwinIR).

spandrel's RCAN subtracts an RGB mean with a 3 -> 3 convolution and uses one ``n_colors`` for its
input and output width; SwinIR subtracts an RGB mean and pads to its window size before
``conv_first``. :func:`attach_aux_input` leaves all of that on RGB and hands the G-buffer channels
straight to the widened first convolution:

    model(cat([rgb, aux]))  ==  the original forward on rgb, with conv(x) -> conv(cat([x, aux']))

where ``aux'`` is ``aux`` padded as the network padded RGB (reflect, bottom/right; SwinIR's
``check_image_size``). The state dict keeps the architecture's key names; only the first
convolution's weight is wider, and its new input weights start at zero, so the widened model
computes exactly what the RGB model did until training moves them.
"""

from __future__ import annotations

import functools

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["attach_aux_input", "aux_channels_of", "widen_first_conv"]

_STASH = "_gameir_aux"


def _split_input(conv_name: str, n_aux: int, module: nn.Module, args: tuple) -> tuple:
    x = args[0]
    if x.dim() != 4 or x.shape[1] != 3 + n_aux:
        raise ValueError(f"{type(module).__name__} with G-buffer inputs expects (N, {3 + n_aux}, h, w) = RGB + "
                         f"{n_aux} aux channels, got {list(x.shape)}")
    setattr(module.get_submodule(conv_name), _STASH, x[:, 3:])
    return (x[:, :3],) + tuple(args[1:])


def _clear(conv_name: str, module: nn.Module, args: tuple, output: torch.Tensor) -> None:
    setattr(module.get_submodule(conv_name), _STASH, None)


def _concat_aux(conv: nn.Module, args: tuple) -> tuple:
    x, aux = args[0], getattr(conv, _STASH, None)
    if aux is None:
        raise RuntimeError("the G-buffer input convolution ran outside its model's forward (no aux channels stashed)")
    dh, dw = x.shape[-2] - aux.shape[-2], x.shape[-1] - aux.shape[-1]
    if dh < 0 or dw < 0:
        raise RuntimeError(f"G-buffer input {list(aux.shape)} is larger than the RGB features {list(x.shape)}")
    if dh or dw:  # the network padded RGB to a size multiple: pad the aux channels the same way
        aux = F.pad(aux, (0, dw, 0, dh), mode="reflect")
    return (torch.cat([x, aux.to(x.dtype)], 1),) + tuple(args[1:])


def widen_first_conv(model: nn.Module, name: str, n_aux: int) -> nn.Module:
    """Give the convolution ``name`` of ``model`` ``n_aux`` more input channels, their weights zero.

    The widened model maps ``cat([rgb, aux])`` to exactly what the original mapped ``rgb`` to, for
    any ``aux``, until training moves the new weights. In place; returns ``model``.
    """
    if n_aux == 0:
        return model
    parent_name, _, leaf = name.rpartition(".")
    parent = model.get_submodule(parent_name) if parent_name else model
    old = getattr(parent, leaf)
    if not isinstance(old, nn.Conv2d):
        raise TypeError(f"{name} of {type(model).__name__} is a {type(old).__name__}, expected nn.Conv2d")
    new = nn.Conv2d(old.in_channels + n_aux, old.out_channels, old.kernel_size, old.stride, old.padding,
                    old.dilation, old.groups, old.bias is not None, old.padding_mode)
    with torch.no_grad():
        new.weight.zero_()
        new.weight[:, :old.in_channels] = old.weight
        if old.bias is not None:
            new.bias.copy_(old.bias)
    setattr(parent, leaf, new.to(old.weight.device, old.weight.dtype))
    return model


def attach_aux_input(model: nn.Module, conv_name: str, n_aux: int) -> nn.Module:
    """Let ``model`` take ``cat([rgb, aux])`` with ``n_aux`` aux channels entering convolution ``conv_name``.

    Widens ``conv_name`` by ``n_aux`` zero-weight input channels (:func:`widen_first_conv`)
    and registers forward hooks: the model's forward sees RGB only; the convolution sees its usual
    input with the aux channels appended. In place; returns ``model``. ``n_aux == 0``: unchanged.
    """
    if n_aux == 0:
        return model
    widen_first_conv(model, conv_name, n_aux)
    conv = model.get_submodule(conv_name)
    setattr(conv, _STASH, None)
    conv.register_forward_pre_hook(_concat_aux)
    model.register_forward_pre_hook(functools.partial(_split_input, conv_name, n_aux))
    model.register_forward_hook(functools.partial(_clear, conv_name))
    model.gameir_aux_input = (conv_name, n_aux)
    return model


def aux_channels_of(model: nn.Module) -> int:
    """G-buffer channels :func:`attach_aux_input` gave ``model`` (0 if none)."""
    return int(getattr(model, "gameir_aux_input", ("", 0))[1])
