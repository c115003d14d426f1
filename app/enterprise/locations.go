package enterprise

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stvos/stvos/app/surface"
	"github.com/stvos/stvos/core/onboarding"
)

// ProviderLocationsInput names an onboarding whose provider locations to list.
type ProviderLocationsInput struct {
	OwnPartnerParam
	OnboardingID string `query:"onboarding_id" required:"true" maxLength:"64"`
}

// ProviderLocationBody is a location (POS) or store (DSP) as the provider lists it.
type ProviderLocationBody struct {
	ProviderID string      `json:"provider_id"`
	Name       string      `json:"name"`
	Address    AddressBody `json:"address"`
	Source     string      `json:"source"`
}

// ProviderLocationsOutput lists them.
type ProviderLocationsOutput struct {
	Body struct {
		Locations []ProviderLocationBody `json:"locations"`
	}
}

// IngestInput ingests POS locations, as the specification's body.
type IngestInput struct {
	OwnPartnerParam
	Body struct {
		OnboardingID string `json:"onboarding_id" maxLength:"64" doc:"An active pos onboarding of the partner."`
		Locations    []struct {
			ProviderID string `json:"provider_id" maxLength:"128" doc:"A location the provider lists (GET /onboarding/locations)."`
		} `json:"locations" minItems:"1" maxItems:"100"`
	}
}

// IngestedBody is an ingested location.
type IngestedBody struct {
	ID         string `json:"_id" format:"uuid"`
	ProviderID string `json:"provider_id"`
}

// IngestOutput answers the ingest.
type IngestOutput struct {
	Body struct {
		Locations []IngestedBody `json:"locations"`
	}
}

// BindInput binds DSP stores to POS locations, as the specification's body.
type BindInput struct {
	OwnPartnerParam
	Body struct {
		OnboardingID string `json:"onboarding_id" maxLength:"64" doc:"An active dsp onboarding of the partner."`
		Locations    []struct {
			POSLocationID string `json:"pos_location_id" maxLength:"64" doc:"A location of the organization (the _id from ingest); an unknown one is 422."`
			DSPProviderID string `json:"dsp_provider_id" maxLength:"128" doc:"A store the DSP lists (GET /onboarding/locations with the dsp onboarding)."`
			DSPStoreName  string `json:"dsp_store_name,omitempty" maxLength:"200" doc:"Defaults to the DSP's name of the store."`
		} `json:"locations" minItems:"1" maxItems:"100"`
	}
}

// BoundBody is a bound DSP connection.
type BoundBody struct {
	ID            string `json:"_id" format:"uuid" doc:"The DSP connection: dsp_location_id of PUT /onboarding/menus."`
	POSLocationID string `json:"pos_location_id" format:"uuid"`
	DSPProviderID string `json:"dsp_provider_id"`
	DSPStoreName  string `json:"dsp_store_name"`
	Status        string `json:"status" enum:"PENDING,APPROVED,REJECTED" doc:"Bound stores are APPROVED at once."`
}

// BindOutput answers the bind.
type BindOutput struct {
	Body struct {
		Locations []BoundBody `json:"locations"`
	}
}

// MenusInput assigns menus to a DSP connection, as the specification's body.
type MenusInput struct {
	OwnPartnerParam
	Body struct {
		OrgID           string   `json:"org_id" maxLength:"64" doc:"Organization id the DSP connection belongs to."`
		DSPLocationID   string   `json:"dsp_location_id" maxLength:"64" doc:"DSP connection id, as returned by GET /onboarding/org/{id}/locations (dsps[]._id)."`
		MenuProviderIDs []string `json:"menu_provider_ids" required:"true" maxItems:"100" doc:"The full set of menus to assign; replaces any assignment. [] restores publishing all of the location's menus."`
	}
}

// MenusBody is the assignment.
type MenusBody struct {
	DSPLocationID   string   `json:"dsp_location_id" format:"uuid"`
	MenuProviderIDs []string `json:"menu_provider_ids" doc:"The menus assigned; [] means every menu is published. Never null."`
}

// MenusOutput answers the assignment.
type MenusOutput struct {
	Body MenusBody
}

// OrgLocationsInput names an organization.
type OrgLocationsInput struct {
	OwnPartnerParam
	ID         string `path:"id" maxLength:"64"`
	LocationID string `query:"location_id" maxLength:"64" doc:"Narrows the answer to this location."`
}

// DSPBody is a DSP connection of a location.
type DSPBody struct {
	ID         string `json:"_id" format:"uuid"`
	Name       string `json:"name"`
	Source     string `json:"source"`
	Status     string `json:"status" enum:"PENDING,APPROVED,REJECTED"`
	ChangeTime int64  `json:"change_time" doc:"When the connection last changed (status or menus), in Unix seconds."`
}

// OrgLocationBody is an organization's location.
type OrgLocationBody struct {
	ID      string      `json:"_id" format:"uuid"`
	Name    string      `json:"name"`
	Source  string      `json:"source"`
	Status  string      `json:"status" enum:"active,inactive"`
	Address AddressBody `json:"address"`
	DSPs    []DSPBody   `json:"dsps"`
}

// OrgLocationsOutput lists them.
type OrgLocationsOutput struct {
	Body struct {
		Locations []OrgLocationBody `json:"locations"`
	}
}

func registerOnboardingLocations(s *surface.Surface, svc *onboarding.Service) {
	errs := []int{http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity}
	huma.Register(s.API, huma.Operation{
		OperationID: "list-onboarding-locations", Method: http.MethodGet, Path: "/onboarding/locations", Tags: []string{"onboarding"},
		Summary: "List onboarding locations",
		Description: "The locations (pos) or stores (dsp) the provider lists for an active onboarding (409 ONBOARDING_NOT_ACTIVE " +
			"before it is completed).",
		Metadata: onboardingRead, Errors: errs,
	}, func(ctx context.Context, in *ProviderLocationsInput) (*ProviderLocationsOutput, error) {
		c, err := onboardingCaller(ctx, in.PartnerID)
		if err != nil {
			return nil, err
		}
		o, ls, err := svc.ProviderLocations(ctx, c, in.OnboardingID)
		if err != nil {
			return nil, err
		}
		out := &ProviderLocationsOutput{}
		out.Body.Locations = make([]ProviderLocationBody, len(ls))
		for i, l := range ls {
			out.Body.Locations[i] = ProviderLocationBody{ProviderID: l.ProviderID, Name: l.Name, Address: addressBody(l.Address), Source: o.Source}
		}
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "ingest-onboarding-locations", Method: http.MethodPost, Path: "/onboarding/locations/ingest", Tags: []string{"onboarding"},
		Summary: "Ingest POS locations",
		Description: "Imports locations of an active pos onboarding as the organization's locations. Each provider_id must be one the " +
			"provider lists (422 naming it otherwise); one ingested before is answered with its _id.",
		DefaultStatus: http.StatusCreated, Metadata: onboardingWrite, Errors: errs,
	}, func(ctx context.Context, in *IngestInput) (*IngestOutput, error) {
		c, err := onboardingCaller(ctx, in.PartnerID)
		if err != nil {
			return nil, err
		}
		items := make([]onboarding.IngestItem, len(in.Body.Locations))
		for i, l := range in.Body.Locations {
			items[i] = onboarding.IngestItem{ProviderID: l.ProviderID}
		}
		ls, err := svc.Ingest(ctx, c, in.Body.OnboardingID, items)
		if err != nil {
			return nil, err
		}
		out := &IngestOutput{}
		out.Body.Locations = make([]IngestedBody, len(ls))
		for i, l := range ls {
			out.Body.Locations[i] = IngestedBody{ID: l.ID, ProviderID: l.ProviderID}
		}
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "bind-onboarding-locations", Method: http.MethodPost, Path: "/onboarding/locations/bind", Tags: []string{"onboarding"},
		Summary: "Bind DSP locations",
		Description: "Binds stores of an active dsp onboarding to locations of the same organization; they are APPROVED at once. " +
			"An unknown location or store is 422 naming it. The partner's webhook endpoints hear locations.bound.",
		DefaultStatus: http.StatusCreated, Metadata: onboardingWrite, Errors: errs,
	}, func(ctx context.Context, in *BindInput) (*BindOutput, error) {
		c, err := onboardingCaller(ctx, in.PartnerID)
		if err != nil {
			return nil, err
		}
		items := make([]onboarding.BindItem, len(in.Body.Locations))
		for i, l := range in.Body.Locations {
			items[i] = onboarding.BindItem{POSLocationID: l.POSLocationID, DSPProviderID: l.DSPProviderID, DSPStoreName: l.DSPStoreName}
		}
		ds, err := svc.Bind(ctx, c, in.Body.OnboardingID, items)
		if err != nil {
			return nil, err
		}
		out := &BindOutput{}
		out.Body.Locations = make([]BoundBody, len(ds))
		for i, d := range ds {
			out.Body.Locations[i] = BoundBody{ID: d.ID, POSLocationID: d.LocationID, DSPProviderID: d.ProviderID, DSPStoreName: d.StoreName, Status: d.Status}
		}
		return out, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "assign-onboarding-menus", Method: http.MethodPut, Path: "/onboarding/menus", Tags: []string{"onboarding"},
		Summary: "Assign menus to a DSP connection",
		Description: "Replaces the menus assigned to a DSP connection. When the location's POS lists menus, each id must be one of " +
			"them. An empty menu_provider_ids removes the assignment: every menu of the location is published again.",
		Metadata: onboardingWrite, Errors: errs,
	}, func(ctx context.Context, in *MenusInput) (*MenusOutput, error) {
		c, err := onboardingCaller(ctx, in.PartnerID)
		if err != nil {
			return nil, err
		}
		menus, err := svc.AssignMenus(ctx, c, in.Body.OrgID, in.Body.DSPLocationID, in.Body.MenuProviderIDs)
		if err != nil {
			return nil, err
		}
		if menus == nil {
			menus = []string{}
		}
		return &MenusOutput{Body: MenusBody{DSPLocationID: in.Body.DSPLocationID, MenuProviderIDs: menus}}, nil
	})
	huma.Register(s.API, huma.Operation{
		OperationID: "list-organization-locations", Method: http.MethodGet, Path: "/onboarding/org/{id}/locations", Tags: []string{"onboarding"},
		Summary:     "List organization locations",
		Description: "The organization's locations with their DSP connections (another partner's organization is 404).",
		Metadata:    onboardingRead, Errors: errs,
	}, func(ctx context.Context, in *OrgLocationsInput) (*OrgLocationsOutput, error) {
		c, err := onboardingCaller(ctx, in.PartnerID)
		if err != nil {
			return nil, err
		}
		ls, err := svc.OrgLocations(ctx, c, in.ID, in.LocationID)
		if err != nil {
			return nil, err
		}
		out := &OrgLocationsOutput{}
		out.Body.Locations = make([]OrgLocationBody, len(ls))
		for i, l := range ls {
			b := OrgLocationBody{ID: l.ID, Name: l.Name, Source: l.Source, Status: l.Status, Address: addressBody(l.Address),
				DSPs: make([]DSPBody, len(l.DSPs))}
			for j, d := range l.DSPs {
				b.DSPs[j] = DSPBody{ID: d.ID, Name: d.StoreName, Source: d.Source, Status: d.Status, ChangeTime: d.ChangeTime.Unix()}
			}
			out.Body.Locations[i] = b
		}
		return out, nil
	})
}
