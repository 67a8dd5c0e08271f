from . import wholesale_ladder_apply
