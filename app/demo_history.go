package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"time"

	"go.uber.org/fx"

	"github.com/stvos/stvos/core/account"
	"github.com/stvos/stvos/core/audit"
	"github.com/stvos/stvos/core/catalog"
	"github.com/stvos/stvos/core/credential"
	"github.com/stvos/stvos/core/partner"
	"github.com/stvos/stvos/core/playback"
	"github.com/stvos/stvos/core/product"
	"github.com/stvos/stvos/core/session"
	"github.com/stvos/stvos/core/throttle"
	"github.com/stvos/stvos/core/voucher"
	"github.com/stvos/stvos/ports"
)

// demoParts are the stores and ports the demo's history goes through. Members who joined months
// ago and their viewing since can only be made by the real use cases running on a clock set in
// the past, so the seed builds its own account, voucher and playback services over the same
// stores with such a clock; every row still passes every rule real data passes.
type demoParts struct {
	fx.In
	UnitOfWork      ports.UnitOfWork
	AccountStore    account.Store
	Passwords       *credential.Passwords
	Sessions        *session.Service
	Blobs           ports.BlobStore
	VoucherStore    voucher.Store
	VoucherPartners voucher.Partners
	Audit           audit.Store
	Throttle        *throttle.Throttle
	PlaybackStore   playback.Store
	Slots           ports.StreamSlots
	Catalog         *catalog.Service
	Products        *product.Service
}

// pastClock is a clock the seed moves through the past.
type pastClock struct{ at atomic.Int64 }

func (c *pastClock) Now() time.Time      { return time.Unix(0, c.at.Load()).UTC() }
func (c *pastClock) set(t time.Time)     { c.at.Store(t.UnixNano()) }
func (c *pastClock) add(d time.Duration) { c.at.Add(int64(d)) }

// demoClasses is the demo catalog: category, title, instructor, minutes, level.
var demoClasses = []struct {
	category, title, instructor string
	minutes                     int
	level                       string
}{
	{"Yoga", "Morning Flow", "Ana Lima", 20, catalog.LevelBeginner},
	{"Yoga", "Vinyasa Power", "Ana Lima", 45, catalog.LevelIntermediate},
	{"Yoga", "Yin for Recovery", "Kofi Mensah", 30, catalog.LevelAll},
	{"HIIT", "Tabata Burn", "Ben Carter", 25, catalog.LevelAdvanced},
	{"HIIT", "HIIT Basics", "Ben Carter", 20, catalog.LevelBeginner},
	{"HIIT", "Cardio Intervals", "Lea Novak", 35, catalog.LevelIntermediate},
	{"Strength", "Full Body Dumbbells", "Lea Novak", 40, catalog.LevelIntermediate},
	{"Strength", "Core Strength", "Ben Carter", 15, catalog.LevelAll},
	{"Strength", "Kettlebell Foundations", "Marco Rossi", 30, catalog.LevelBeginner},
	{"Mindfulness", "Breathing Reset", "Kofi Mensah", 10, catalog.LevelAll},
	{"Mindfulness", "Sleep Meditation", "Kofi Mensah", 15, catalog.LevelAll},
	{"Pilates", "Mat Pilates", "Ines Duarte", 30, catalog.LevelBeginner},
}

// seedCatalog creates the demo catalog and returns the published classes' ids.
func seedCatalog(ctx context.Context, parts demoParts, tenantID string) ([]string, error) {
	cats := map[string]string{}
	var ids []string
	for i, c := range demoClasses {
		if cats[c.category] == "" {
			cat, err := parts.Catalog.CreateCategory(ctx, tenantID, c.category, c.category+" classes for every level")
			if err != nil {
				return nil, err
			}
			cats[c.category] = cat.ID
		}
		cls, err := parts.Catalog.CreateClass(ctx, tenantID, catalog.ClassInput{CategoryID: cats[c.category], Title: c.title,
			Description: fmt.Sprintf("%d minutes of %s with %s.", c.minutes, strings.ToLower(c.category), c.instructor),
			Instructor:  c.instructor, DurationSeconds: c.minutes * 60, Level: c.level, Published: i != len(demoClasses)-1})
		if err != nil {
			return nil, err
		}
		if cls.Published {
			ids = append(ids, cls.ID)
		}
	}
	return ids, nil
}

// seedProducts fills the demo gym's store section.
func seedProducts(ctx context.Context, parts demoParts, by product.Staff) error {
	str := func(s string) *string { return &s }
	yes, order := true, func(n int) *int { return &n }
	for _, c := range []product.Change{
		{Name: str("Whey Protein"), Description: str("Premium whey protein isolate, 1 kg."), Price: str("29.99"), ProductType: str("Supplements"),
			ExternalURL: str("https://shop.demo-gym.local/whey"), Status: str(product.StatusActive), Featured: &yes, SortOrder: order(1)},
		{Name: str("Yoga Mat"), Description: str("6 mm, non-slip."), Price: str("45.50"), ProductType: str("Equipment"),
			ExternalURL: str("https://shop.demo-gym.local/mat"), Status: str(product.StatusActive), SortOrder: order(2)},
		{Name: str("Resistance Bands"), Description: str("Set of five."), Price: str("19.00"), ProductType: str("Equipment"),
			ExternalURL: str("https://shop.demo-gym.local/bands"), Status: str(product.StatusActive), SortOrder: order(3)},
		{Name: str("Gym Hoodie"), Description: str("Coming this winter."), Price: str("59.00"), ProductType: str("Apparel")},
	} {
		if _, err := parts.Products.Create(ctx, by, c); err != nil {
			return err
		}
	}
	return nil
}

// demoMembers are the members who join the demo gym with vouchers, over the last months.
var demoMembers = []string{"Alex Rivera", "Sam Okafor", "Priya Shah", "Jonas Berg", "Mei Tanaka", "Lucas Moreau", "Amara Nwosu",
	"Elena Petrova", "Diego Alvarez", "Hana Kim", "Tom Becker", "Zara Ahmed", "Noah Fischer", "Sofia Rossi", "Omar Haddad",
	"Yuki Sato", "Grace Liu", "Ivan Horvat", "Leila Karimi", "Ethan Brooks"}

// seedHistory signs the demo members up with vouchers on days spread over the last four months
// and lets them watch classes since, each at their own pace (some stop coming: inactive members
// show too), through the real use cases on a clock in the past. It returns a code still free.
// The random source is seeded, so every demo has the same history relative to its first run.
func seedHistory(ctx context.Context, parts demoParts, tenantID string, owner partner.Staff, classes []string, now time.Time) (string, error) {
	clock := &pastClock{}
	clock.set(now.Add(-130 * 24 * time.Hour))
	vouchers := voucher.NewService(voucher.Deps{UnitOfWork: parts.UnitOfWork, Store: parts.VoucherStore, Partners: parts.VoucherPartners,
		Audit: parts.Audit, Throttle: parts.Throttle, Clock: clock})
	accounts := account.NewService(account.Deps{UnitOfWork: parts.UnitOfWork, Store: parts.AccountStore, Passwords: parts.Passwords,
		Sessions: parts.Sessions, Blobs: parts.Blobs, Clock: clock})
	// Beats every ten minutes of seeded time: the seed makes months of viewing in seconds.
	const beat = 10 * time.Minute
	plays := playback.NewService(playback.Deps{UnitOfWork: parts.UnitOfWork, Store: parts.PlaybackStore, Slots: parts.Slots,
		Clock: clock, SlotTTL: beat, MaxStreams: func(context.Context, string, string) (int, error) { return 3, nil }})

	by := voucher.Staff{TenantID: tenantID, PartnerID: owner.PartnerID, Actor: audit.Actor{Kind: session.KindPartnerStaff, ID: owner.ID}}
	codes, err := vouchers.Generate(ctx, by, voucher.Generation{Quantity: 40, Prefix: "DEMOGYM"})
	if err != nil {
		return "", err
	}
	spring := now.Add(90 * 24 * time.Hour)
	if _, err := vouchers.Generate(ctx, by, voucher.Generation{Quantity: 20, Prefix: "SPRING", ExpiresAt: &spring}); err != nil {
		return "", err
	}
	rng := rand.New(rand.NewPCG(2026, 12))
	type member struct {
		id     string
		joined time.Time
		pace   float64 // chance of a class on a given day
		quits  time.Time
	}
	var members []member
	for i, name := range demoMembers {
		joined := now.Add(-time.Duration(120-i*6) * 24 * time.Hour).Add(time.Duration(rng.IntN(10)) * time.Hour)
		clock.set(joined)
		email := strings.ToLower(strings.Fields(name)[0]) + "@demo-gym.local"
		u, _, err := accounts.Register(ctx, tenantID, account.Registration{Email: email, Password: "demo-member-pass", Name: name,
			VoucherCode: codes[i].Code}, session.Client{Device: "stvos dev seed"}, vouchers)
		if err != nil {
			return "", err
		}
		m := member{id: u.ID, joined: joined, pace: 0.15 + 0.5*rng.Float64(), quits: now.Add(time.Hour)}
		if i%5 == 3 {
			m.quits = joined.Add(time.Duration(20+rng.IntN(30)) * 24 * time.Hour) // some stop coming
		}
		members = append(members, m)
	}
	devices := []string{"iPhone", "Android phone", "Apple TV", "iPad", "Web"}
	for _, m := range members {
		for day := m.joined.Truncate(24 * time.Hour).Add(24 * time.Hour); day.Before(now.Add(-24*time.Hour)) && day.Before(m.quits); day = day.Add(24 * time.Hour) {
			if rng.Float64() >= m.pace {
				continue
			}
			clock.set(day.Add(time.Duration(6+rng.IntN(15))*time.Hour + time.Duration(rng.IntN(60))*time.Minute))
			class := classes[rng.IntN(len(classes))]
			s, err := plays.Start(ctx, tenantID, m.id, class, devices[rng.IntN(len(devices))])
			if err != nil {
				return "", err
			}
			// Watch a share of the class: most finish it, some stop early.
			watch := time.Duration(s.DurationSeconds) * time.Second
			if rng.Float64() < 0.35 {
				watch = watch * time.Duration(10+rng.IntN(70)) / 100
			}
			for left := watch; left > 0; left -= beat {
				step := min(beat, left)
				clock.add(step)
				if _, err := plays.Heartbeat(ctx, tenantID, m.id, s.ID, int((watch-left+step)/time.Second)); err != nil {
					return "", err
				}
			}
			if _, err := plays.Stop(ctx, tenantID, m.id, s.ID, -1); err != nil {
				return "", err
			}
		}
	}
	return codes[len(codes)-1].Code, nil
}
