resource "codat_company" "example" {
  name         = "Bramble Bakery Ltd"
  platform_key = "gbol"
}
