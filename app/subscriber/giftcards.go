package subscriber

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/giftcard"
	"github.com/stvos/stvos/core/money"
)

// GiftCardBody is a gift card as the specification shows it.
type GiftCardBody struct {
	ID             string          `json:"id" format:"uuid"`
	Code           string          `json:"code" example:"7KQD-M2XH-R9TB-WC4P" doc:"The code, four groups of four letters and digits without look-alikes; typed in any case, with or without hyphens."`
	InitialValue   surface.Decimal `json:"initial_value" example:"25.00" doc:"What the card was worth when created, exact."`
	RemainingValue surface.Decimal `json:"remaining_value" example:"25.00" doc:"What it may still credit: its initial value until redeemed, then 0 (a card is redeemed whole)."`
	Currency       string          `json:"currency" example:"USD" doc:"ISO 4217 currency code."`
	Status         string          `json:"status" enum:"active,redeemed,expired" doc:"expired: past expires_at and never redeemed."`
	RedeemedBy     *string         `json:"redeemed_by" nullable:"true" format:"uuid" doc:"The account that redeemed it, shown only to that account; null otherwise."`
	RedeemedAt     *time.Time      `json:"redeemed_at" nullable:"true"`
	ExpiresAt      *time.Time      `json:"expires_at" nullable:"true" doc:"Null: never expires."`
	CreatedAt      time.Time       `json:"created_at"`
}

// giftCardBody shows a card to viewer (empty for the admin who created it).
func giftCardBody(c giftcard.Issued, viewer string, now time.Time) GiftCardBody {
	b := GiftCardBody{ID: c.ID, Code: c.Code, InitialValue: surface.Decimal(c.Value.Decimal()),
		RemainingValue: surface.Decimal(c.Remaining().Decimal()), Currency: c.Value.Currency, Status: c.Status(now),
		ExpiresAt: c.ExpiresAt, CreatedAt: c.CreatedAt}
	if c.RedeemedBy != "" && c.RedeemedBy == viewer {
		by := c.RedeemedBy
		b.RedeemedBy, b.RedeemedAt = &by, c.RedeemedAt
	}
	return b
}

// AccountBalanceBody is an account's balance: credit (gift cards, refunds) applied to its next
// invoices.
type AccountBalanceBody struct {
	Amount   surface.Decimal `json:"amount" example:"25.00" doc:"Exact, in the currency's minor digits."`
	Currency string          `json:"currency" example:"USD" doc:"ISO 4217 currency code."`
}

func accountBalanceBody(a money.Amount) *AccountBalanceBody {
	return &AccountBalanceBody{Amount: surface.Decimal(a.Decimal()), Currency: a.Currency}
}

// CreateGiftCardsInput is the specification's Create Gift Cards request.
type CreateGiftCardsInput struct {
	Body struct {
		Quantity     int             `json:"quantity" minimum:"1" maximum:"500" doc:"How many cards to create, all or none."`
		InitialValue surface.Decimal `json:"initial_value" example:"25.00" doc:"What each card is worth: at least 0.01, exact, with at most the currency's minor digits."`
		Currency     string          `json:"currency" minLength:"3" maxLength:"3" doc:"ISO 4217 currency code."`
		ExpiresAt    *time.Time      `json:"expires_at,omitempty" doc:"When the cards expire (in the future, within 10 years); none when left out."`
	}
}

// CreateGiftCardsOutput lists the cards created, with their codes.
type CreateGiftCardsOutput struct {
	Body struct {
		Data []GiftCardBody `json:"data"`
	}
}

// GiftCardCodeInput names a card by its code.
type GiftCardCodeInput struct {
	Code string `path:"code" maxLength:"64" doc:"The card's code, any case, with or without hyphens."`
}

// GiftCardOutput is one card.
type GiftCardOutput struct {
	Body GiftCardBody
}

// RedeemGiftCardInput redeems a card.
type RedeemGiftCardInput struct {
	Body struct {
		Code string `json:"code" minLength:"1" maxLength:"64" doc:"The card's code, any case, with or without hyphens."`
	}
}

// RedeemGiftCardBody is the card redeemed, as the specification shows it, with the account
// balance it credited.
type RedeemGiftCardBody struct {
	GiftCardBody
	AccountBalance *AccountBalanceBody `json:"account_balance" doc:"The account balance in the card's currency after the credit."`
}

// RedeemGiftCardOutput is the redemption's answer.
type RedeemGiftCardOutput struct {
	Body RedeemGiftCardBody
}

const guessDoc = " Codes that match no card of this client (unknown, malformed, another client's) all answer 404 " +
	"GIFT_CARD_NOT_FOUND and count as failed guesses of the account from its address: past 5 in 15 minutes, 429 " +
	"TOO_MANY_ATTEMPTS with Retry-After."

func registerGiftCards(s *surface.Surface, cards *giftcard.Service) {
	huma.Register(s.API, huma.Operation{
		OperationID: "create-gift-cards", Method: http.MethodPost, Path: "/admin/gift-cards", Tags: []string{"admin-gift-cards"},
		Summary: "Create gift cards (admin)",
		Description: "Bulk-generates 1–500 gift cards with a specified value, all or none. The codes are random (a cryptographic " +
			"source), unique in the client, and shown only in this answer: keep them, they cannot be read again (only a hash " +
			"of each is stored). Audit-logged.",
		DefaultStatus: http.StatusCreated, Metadata: surface.Permit("admin:gift-cards:write", surface.UserToken),
		Errors: []int{http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *CreateGiftCardsInput) (*CreateGiftCardsOutput, error) {
		p := surface.PrincipalFrom(ctx)
		b := in.Body
		issued, err := cards.Create(ctx, p.TenantID, p.Actor(), giftcard.NewCards{Quantity: b.Quantity,
			Value: string(b.InitialValue), Currency: b.Currency, ExpiresAt: b.ExpiresAt})
		if err != nil {
			return nil, err
		}
		out := &CreateGiftCardsOutput{}
		out.Body.Data = make([]GiftCardBody, len(issued))
		now := cards.Now()
		for i, c := range issued {
			out.Body.Data[i] = giftCardBody(c, "", now)
		}
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "get-gift-card", Method: http.MethodGet, Path: "/gift-cards/{code}", Tags: []string{"gift-cards"},
		Summary:     "Look up gift card",
		Description: "Returns the current balance and status of a gift card before redemption." + guessDoc,
		Metadata:    surface.PermitScoped("self:gift-cards:read", "subscription:read", surface.UserToken),
		Errors:      []int{http.StatusNotFound, http.StatusTooManyRequests},
	}, func(ctx context.Context, in *GiftCardCodeInput) (*GiftCardOutput, error) {
		p := surface.PrincipalFrom(ctx)
		c, err := cards.Lookup(ctx, p.TenantID, p.Subject, in.Code, surface.ClientOf(ctx).Address)
		if err != nil {
			return nil, err
		}
		return &GiftCardOutput{Body: giftCardBody(c, p.Subject, cards.Now())}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "redeem-gift-card", Method: http.MethodPost, Path: "/gift-cards/redeem", Tags: []string{"gift-cards"},
		Summary: "Redeem gift card",
		Description: "Applies a gift card to the authenticated user's account balance: its whole value is credited, once, " +
			"whatever the concurrency. A card redeemed already is 409 GIFT_CARD_REDEEMED, an expired one 409 GIFT_CARD_EXPIRED; " +
			"an account balance holds one currency, so a card in another currency than a balance that is not zero is 422 " +
			"GIFT_CARD_CURRENCY_MISMATCH." + guessDoc + " Audit-logged.",
		Metadata: surface.Idempotent(surface.Permit("self:gift-cards:write", surface.UserToken)),
		Errors:   []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity, http.StatusTooManyRequests},
	}, func(ctx context.Context, in *RedeemGiftCardInput) (*RedeemGiftCardOutput, error) {
		p := surface.PrincipalFrom(ctx)
		r, err := cards.Redeem(ctx, p.TenantID, p.Actor(), in.Body.Code, surface.ClientOf(ctx).Address)
		if err != nil {
			return nil, err
		}
		return &RedeemGiftCardOutput{Body: RedeemGiftCardBody{GiftCardBody: giftCardBody(r.Issued, p.Subject, cards.Now()),
			AccountBalance: accountBalanceBody(r.Balance)}}, nil
	})
}
