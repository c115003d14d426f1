package app

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/fx"

	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/coupon"
	"github.com/stvos/stvos/core/invoice"
	"github.com/stvos/stvos/core/plan"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/core/subscription"
	"github.com/stvos/stvos/core/useradmin"
)

// consoleServices are what the demo's billing goes through, so the client's admin console has
// plans, coupons, subscriptions, invoices and a refund to show.
type consoleServices struct {
	fx.In
	Plans    *plan.Service
	Coupons  *coupon.Service
	Subs     *subscription.Service
	Invoices *invoice.Service
	Users    *useradmin.Service
}

// seedBilling creates three plans (one no longer offered), two coupons, subscriptions of the
// first few subscribers with the sandbox gateway's test card (each with its first invoice) and
// a partial refund of one of them.
func seedBilling(ctx context.Context, svc consoleServices, tenantID string, by audit.Actor, now time.Time) error {
	terms := func(cycle string, streams int, quality string, trial int) plan.Terms {
		return plan.Terms{BillingCycle: cycle, MaxProfiles: streams + 1, MaxConcurrentStreams: streams, MaxDevices: streams * 2,
			MaxQuality: quality, HasDownloads: streams > 1, TrialDays: trial}
	}
	var plans []plan.Plan
	for _, in := range []plan.Input{
		{Name: "Basic", Description: "Every class on one screen.", Price: "9.99", Currency: "USD", Terms: terms("monthly", 1, "HD", 0), IsActive: true},
		{Name: "Family", Description: "Four screens, downloads and 4K.", Price: "17.99", Currency: "USD", Terms: terms("monthly", 4, "UHD_4K", 7), IsActive: true},
		{Name: "Annual", Description: "Two screens, paid once a year.", Price: "99.00", Currency: "USD", Terms: terms("annual", 2, "FHD", 0), IsActive: true},
		{Name: "Launch offer", Description: "Withdrawn: existing subscribers keep it.", Price: "4.99", Currency: "USD", Terms: terms("monthly", 1, "SD", 0)},
	} {
		p, err := svc.Plans.Create(ctx, tenantID, by, in)
		if err != nil {
			return fmt.Errorf("demo plan %s: %w", in.Name, err)
		}
		plans = append(plans, p)
	}
	until := now.AddDate(0, 3, 0)
	hundred := 100
	for _, in := range []coupon.Input{
		{Code: "WELCOME20", Description: "20% off the first invoice for newcomers.", Type: "percent", Value: "20", MaxRedemptions: &hundred,
			MaxRedemptionsPerUser: 1, ValidFrom: now.AddDate(0, -1, 0), ValidUntil: &until, Status: "active"},
		{Code: "GYM5", Description: "5 USD off, for Demo Gym's members.", Type: "fixed_amount", Value: "5.00", Currency: "USD",
			MaxRedemptionsPerUser: 1, ValidFrom: now.AddDate(0, -1, 0), Status: "active"},
	} {
		if _, err := svc.Coupons.Create(ctx, tenantID, by, in); err != nil {
			return fmt.Errorf("demo coupon %s: %w", in.Code, err)
		}
	}
	users, _, err := svc.Users.ListUsers(ctx, tenantID, useradmin.Filter{Role: "subscriber"}, "", 8)
	if err != nil {
		return err
	}
	admins, _, err := svc.Users.ListUsers(ctx, tenantID, useradmin.Filter{Role: session.RoleAdmin}, "", 1)
	if err != nil || len(admins) == 0 {
		return err
	}
	// Refunds name the admin who issued them.
	refundBy := audit.Actor{Kind: session.KindUser, ID: admins[0].ID, Roles: admins[0].Roles}
	var first string
	for i, u := range users {
		if u.HasRole(session.RoleAdmin) {
			continue
		}
		in := subscription.NewSubscription{PlanID: plans[i%3].ID, PaymentMethod: "pm_card_visa"}
		if i == 1 {
			in.CouponCode = "WELCOME20"
		}
		if _, err := svc.Subs.Create(ctx, tenantID, by, u.ID, in); err != nil {
			return fmt.Errorf("demo subscription of %s: %w", u.Email, err)
		}
		if first == "" {
			first = u.ID
		}
	}
	if first == "" {
		return nil
	}
	invs, _, err := svc.Invoices.List(ctx, tenantID, first, "paid", "", 1)
	if err != nil || len(invs) == 0 {
		return err
	}
	_, err = svc.Invoices.Refund(ctx, tenantID, refundBy, invs[0].ID, invoice.RefundInput{Amount: "2.00", Reason: "service_issue",
		Notes: "Streaming outage on launch day."})
	return err
}
