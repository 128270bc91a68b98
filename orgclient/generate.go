package orgclient

//go:generate go tool genqlient genqlient.yaml
