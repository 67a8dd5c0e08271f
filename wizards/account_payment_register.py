from collections import defaultdict
from datetime import date

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import format_date, formatLang

# Invoices whose payment may be split by hand (credit notes are not: they are
# money the customer is owed, not money owed).
ALLOCATION_MOVE_TYPES = ("out_invoice", "out_receipt")

# The wizard fields that decide whether the payment can be split by hand;
# changing one of them proposes the default split again.
ALLOCATION_DEPENDS = (
    "line_ids",
    "can_edit_wizard",
    "group_payment",
    "payment_type",
    "partner_type",
    "currency_id",
    "source_currency_id",
    "payment_method_line_id",
)


class AccountPaymentRegister(models.TransientModel):
    """Core's Pay wizard, with an editable split of one grouped customer
    payment over the invoices it pays.

    Core reconciles a partial payment with the invoices oldest due date first
    (``account.move.line._optimize_reconciliation_plan``) and gives no way to
    choose. Here the wizard proposes that same split, the user may change it,
    and core's own flow still creates and posts the payment
    (``_create_payments`` → ``_init_payments`` → ``_post_payments``). Only two
    steps differ:

    * the payment's journal entry gets one receivable line per invoice, of
      exactly the amount allocated to it (through core's ``write_off_line_vals``,
      so core balances the entry and keeps what is not allocated on its own
      counterpart line: an outstanding credit of the customer);
    * ``_reconcile_payments`` reconciles each of these lines with its own
      invoice's lines only, through core's reconciliation
      (``account.move.line._reconcile_plan``, what ``reconcile()`` calls, given
      one line set per invoice), so each reconcile consumes exactly that line
      (partials, full reconciles and exchange differences stay core's).

    Reconciling the whole payment with all invoices and then unreconciling
    the surplus would not work: core would pick the invoices itself, and
    partial reconciles cannot be cut to an amount afterwards.
    """

    _inherit = "account.payment.register"

    wholesale_allocation_active = fields.Boolean(
        compute="_compute_wholesale_allocation_active"
    )
    wholesale_allocation_ids = fields.One2many(
        "wholesale.payment.allocation.line",
        "wizard_id",
        string="Allocation",
        compute="_compute_wholesale_allocation_ids",
        store=True,
        readonly=False,
    )
    wholesale_allocated_amount = fields.Monetary(
        string="Allocated",
        currency_field="currency_id",
        compute="_compute_wholesale_allocated_amount",
    )
    wholesale_unallocated_amount = fields.Monetary(
        string="Left as Customer Credit",
        currency_field="currency_id",
        compute="_compute_wholesale_allocated_amount",
        help="The part of the payment given to no invoice: it stays on the "
        "customer's account as an outstanding credit.",
    )

    # -------------------------------------------------------------------------
    # Compute and onchange
    # -------------------------------------------------------------------------

    @api.depends(*ALLOCATION_DEPENDS, "payment_difference_handling")
    def _compute_wholesale_allocation_active(self):
        for wizard in self:
            wizard.wholesale_allocation_active = wizard._wholesale_allocation_applies()

    @api.depends(*ALLOCATION_DEPENDS)
    def _compute_wholesale_allocation_ids(self):
        # The payment amount is read, not a dependency: the split is proposed
        # again when the user changes the amount (onchange below), but not when
        # core merely recomputes it (a new payment date, for instance), so the
        # user's numbers are kept.
        for wizard in self:
            commands = [Command.clear()]
            if wizard._wholesale_allocation_possible():
                commands += [
                    Command.create(vals)
                    for vals in wizard._wholesale_default_allocation()
                ]
            wizard.wholesale_allocation_ids = commands

    @api.onchange("amount")
    def _onchange_amount_wholesale_allocation(self):
        if self._wholesale_allocation_possible():
            self.wholesale_allocation_ids = [Command.clear()] + [
                Command.create(vals) for vals in self._wholesale_default_allocation()
            ]

    @api.depends("amount", "wholesale_allocation_ids.amount")
    def _compute_wholesale_allocated_amount(self):
        for wizard in self:
            allocated = sum(wizard.wholesale_allocation_ids.mapped("amount"))
            wizard.wholesale_allocated_amount = allocated
            wizard.wholesale_unallocated_amount = wizard.amount - allocated

    # -------------------------------------------------------------------------
    # Helpers
    # -------------------------------------------------------------------------

    def _wholesale_format(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency_id)

    def _wholesale_allocation_lines(self):
        """The receivable lines the wizard pays (one batch when the split
        applies), without the onchange wrappers."""
        self.ensure_one()
        return self.line_ids._origin

    def _wholesale_payment_gets_entry(self):
        """Whether core will give the payment a journal entry, the only place
        the split can live.

        Core creates the entry only for a payment with an outstanding account
        (``account.payment._generate_journal_entry``). That account is the
        payment method line's (``_compute_outstanding_account_id``); when the
        line has none, ``account.payment.create`` forces one only while
        invoices go straight to 'paid', i.e. without the Accountant app
        (``account.move._get_invoice_in_payment_state``). Core's
        ``force_payment_move`` context key is not followed here: without the
        split, core's own flow runs, which is right either way."""
        self.ensure_one()
        accounting_installed = (
            self.env["account.move"]._get_invoice_in_payment_state() == "in_payment"
        )
        return bool(
            self.payment_method_line_id.payment_account_id or not accounting_installed
        )

    def _wholesale_allocation_possible(self):
        """One grouped payment received from one customer, in the currency of
        several posted invoices (not credit notes), that gets a journal entry
        (otherwise there is nothing to split and core's flow runs)."""
        self.ensure_one()
        if not (
            self.can_edit_wizard
            and self.group_payment
            and self.payment_type == "inbound"
            and self.partner_type == "customer"
            and self.currency_id
            and self.currency_id == self.source_currency_id
            and self._wholesale_payment_gets_entry()
        ):
            return False
        lines = self._wholesale_allocation_lines()
        moves = lines.move_id
        return (
            len(moves) > 1
            and all(
                move.move_type in ALLOCATION_MOVE_TYPES and move.state == "posted"
                for move in moves
            )
            and all(line.amount_residual_currency > 0 for line in lines)
        )

    def _wholesale_allocation_applies(self):
        """The split is used unless the user asked core to write the payment
        difference off ("Mark as fully paid", early payment discounts): then
        core's own flow runs, and the Allocation list is hidden."""
        self.ensure_one()
        return (
            self._wholesale_allocation_possible()
            and self.payment_difference_handling != "reconcile"
        )

    def _wholesale_lines_in_core_order(self):
        """The wizard's lines in the order core reconciles them
        (``_optimize_reconciliation_plan``: due date, then amounts)."""
        return self._wholesale_allocation_lines().sorted(
            key=lambda line: (
                line.date_maturity or line.date or date.max,
                line.amount_currency,
                line.balance,
            )
        )

    def _wholesale_default_allocation(self):
        """The payment amount spread over the invoices oldest due date first,
        as core would reconcile it: a list of allocation line values."""
        self.ensure_one()
        currency = self.currency_id
        remaining = max(self.amount or 0.0, 0.0)
        per_move = {}
        for line in self._wholesale_lines_in_core_order():
            residual = line.amount_residual_currency
            take = currency.round(min(remaining, residual)) if remaining > 0 else 0.0
            remaining = currency.round(remaining - take)
            vals = per_move.setdefault(
                line.move_id,
                {
                    "move_id": line.move_id.id,
                    "date_maturity": line.date_maturity or line.date,
                    "amount_residual": 0.0,
                    "amount": 0.0,
                },
            )
            vals["amount_residual"] = currency.round(vals["amount_residual"] + residual)
            vals["amount"] = currency.round(vals["amount"] + take)
        return list(per_move.values())

    def _wholesale_check_currency_rate(self):
        """Odoo converts with a rate of 1.0 when a currency has no rate at all
        for the company: refuse that instead of posting a wrong balance."""
        self.ensure_one()
        company = self.company_id
        if self.currency_id == company.currency_id:
            return
        # sudo: only whether a rate exists is read (the same rates as
        # res.currency._get_rates); the rates' multi-company rule would hide
        # the wizard company's own rates when it is not selected in the
        # company switcher.
        has_rate = (
            self.env["res.currency.rate"]
            .sudo()
            .search_count(
                [
                    ("currency_id", "=", self.currency_id.id),
                    ("name", "<=", self.payment_date),
                    ("company_id", "in", (False, company.root_id.id)),
                ],
                limit=1,
            )
        )
        if not has_rate:
            raise UserError(
                self.env._(
                    "%(currency)s has no exchange rate on or before %(date)s for "
                    "%(company)s, so the payment cannot be converted to "
                    "%(company_currency)s. Add a rate for %(currency)s "
                    "(Accounting > Configuration > Currencies) and try again.",
                    currency=self.currency_id.name,
                    date=format_date(self.env, self.payment_date),
                    company=company.display_name,
                    company_currency=company.currency_id.name,
                )
            )

    def _wholesale_allocation_plan(self):
        """Check the split and return it as ``[(invoice, amount), ...]``, the
        invoices given nothing left out.

        The residuals are read again from the invoices' journal items, never
        taken from the wizard's lines (the client sends those)."""
        self.ensure_one()
        currency = self.currency_id
        if currency.compare_amounts(self.amount, 0.0) <= 0:
            raise UserError(self.env._("Enter a positive payment amount to split it."))
        self._wholesale_check_currency_rate()
        residual_per_move = defaultdict(float)
        for line in self._wholesale_allocation_lines():
            residual_per_move[line.move_id] += line.amount_residual_currency
        plan = []
        seen = self.env["account.move"]
        for allocation in self.wholesale_allocation_ids:
            move = allocation.move_id
            if move not in residual_per_move:
                raise ValidationError(
                    self.env._(
                        "%(invoice)s is not one of the invoices being paid.",
                        invoice=move.display_name,
                    )
                )
            if move in seen:
                raise ValidationError(
                    self.env._(
                        "%(invoice)s is in the allocation twice.",
                        invoice=move.display_name,
                    )
                )
            seen |= move
            sign = currency.compare_amounts(allocation.amount, 0.0)
            if sign < 0:
                raise ValidationError(
                    self.env._(
                        "The amount allocated to %(invoice)s cannot be negative "
                        "(%(amount)s). Enter 0 to leave the invoice open.",
                        invoice=move.display_name,
                        amount=self._wholesale_format(allocation.amount),
                    )
                )
            if sign == 0:
                continue
            residual = currency.round(residual_per_move[move])
            if currency.compare_amounts(allocation.amount, residual) > 0:
                raise ValidationError(
                    self.env._(
                        "You cannot allocate %(amount)s to %(invoice)s: only "
                        "%(residual)s is still due on it.",
                        amount=self._wholesale_format(allocation.amount),
                        invoice=move.display_name,
                        residual=self._wholesale_format(residual),
                    )
                )
            plan.append((move, currency.round(allocation.amount)))
        if not plan:
            raise ValidationError(
                self.env._(
                    "Allocate an amount to at least one invoice, or untick Group "
                    "Payments to pay them one by one."
                )
            )
        allocated = currency.round(sum(amount for _move, amount in plan))
        if currency.compare_amounts(allocated, self.amount) > 0:
            raise ValidationError(
                self.env._(
                    "The invoices are allocated %(allocated)s in total, more than "
                    "the payment of %(amount)s.",
                    allocated=self._wholesale_format(allocated),
                    amount=self._wholesale_format(self.amount),
                )
            )
        return plan

    def _wholesale_allocation_label(self, move):
        return self.env._("Payment of %(invoice)s", invoice=move.name)

    def _wholesale_allocation_line_vals(self, plan, destination_account):
        """One receivable line per allocated invoice, given to core as extra
        lines of the payment's entry. When everything is allocated, core's
        own counterpart line carries the last invoice's amount (so the entry
        has no empty line); otherwise it carries what is left, which stays
        open as the customer's credit."""
        self.ensure_one()
        currency = self.currency_id
        company = self.company_id
        allocated = sum(amount for _move, amount in plan)
        split = plan if not currency.is_zero(self.amount - allocated) else plan[:-1]
        return [
            {
                "name": self._wholesale_allocation_label(move),
                "account_id": destination_account,
                "partner_id": self.partner_id.id,
                "currency_id": currency.id,
                "date_maturity": self.payment_date,
                "amount_currency": -amount,
                "balance": currency._convert(
                    -amount, company.currency_id, company, self.payment_date
                ),
            }
            for move, amount in split
        ]

    # -------------------------------------------------------------------------
    # Core's flow
    # -------------------------------------------------------------------------

    def _create_payments(self):
        # Check the split before core creates anything: bad input posts nothing.
        if self._wholesale_allocation_applies():
            self._wholesale_allocation_plan()
        return super()._create_payments()

    def _create_payment_vals_from_wizard(self, batch_result):
        payment_vals = super()._create_payment_vals_from_wizard(batch_result)
        if self._wholesale_allocation_applies():
            payment_vals["write_off_line_vals"] += self._wholesale_allocation_line_vals(
                self._wholesale_allocation_plan(),
                payment_vals["destination_account_id"],
            )
        return payment_vals

    def _wholesale_reconcile_pairs(self, payment, invoice_lines, plan):
        """``[(invoice, amount, payment line, invoice lines), ...]``: the
        payment's receivable line cut for each invoice of the plan. Empty when
        the payment has none of them (no journal entry, for instance); a split
        found only in part is refused."""
        currency = self.currency_id
        free_lines = payment.move_id.line_ids.filtered(
            lambda line, accounts=invoice_lines.account_id: (
                line.account_id in accounts and not line.reconciled
            )
        )
        pairs = []
        missing = []
        for move, amount in plan:
            # Lines of the same amount are interchangeable; the one labelled
            # for this invoice is taken first.
            candidates = free_lines.filtered(
                lambda line, amount=amount: (
                    currency.compare_amounts(-line.amount_currency, amount) == 0
                )
            )
            label = self._wholesale_allocation_label(move)
            payment_line = (
                candidates.filtered(lambda line, label=label: line.name == label)
                or candidates
            )[:1]
            if not payment_line:
                missing.append((move, amount))
                continue
            free_lines -= payment_line
            pairs.append(
                (
                    move,
                    amount,
                    payment_line,
                    invoice_lines.filtered(
                        lambda line, move=move: (
                            line.move_id == move and not line.reconciled
                        )
                    ),
                )
            )
        if pairs and missing:
            move, amount = missing[0]
            raise UserError(
                self.env._(
                    "The payment has no line of %(amount)s for %(invoice)s.",
                    amount=self._wholesale_format(amount),
                    invoice=move.display_name,
                )
            )
        return pairs

    def _reconcile_payments(self, to_process, edit_mode=False):
        if not (edit_mode and self._wholesale_allocation_applies()):
            return super()._reconcile_payments(to_process, edit_mode=edit_mode)
        # Read before anything is reconciled: the residuals are still the ones
        # the payment's lines were cut from.
        plan = self._wholesale_allocation_plan()
        currency = self.currency_id
        to_core = []
        for vals in to_process:
            payment = vals["payment"]
            pairs = self._wholesale_reconcile_pairs(payment, vals["to_reconcile"], plan)
            if not pairs:
                # None of the split's lines is on the payment (core created it
                # without a journal entry, or without the lines): core's own
                # reconciliation handles it as if there were no split.
                to_core.append(vals)
                continue
            # One reconciliation per invoice, each of its payment line and that
            # invoice's lines only: what reconcile() does line set by line set,
            # batched in one pass of core's reconciliation.
            self.env["account.move.line"]._reconcile_plan(
                [payment_line + lines for _m, _a, payment_line, lines in pairs]
            )
            for move, amount, payment_line, _lines in pairs:
                if not currency.is_zero(payment_line.amount_residual_currency):
                    # Someone paid the invoice meanwhile: roll everything back.
                    raise UserError(
                        self.env._(
                            "%(invoice)s could not take %(amount)s any more (it was "
                            "paid meanwhile). Open the wizard again.",
                            invoice=move.display_name,
                            amount=self._wholesale_format(amount),
                        )
                    )
            moves = self.env["account.move"].browse([move.id for move, _a in plan])
            moves.matched_payment_ids += payment
        if to_core:
            super()._reconcile_payments(to_core, edit_mode=edit_mode)
