package rustoretest_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/regionpay/payments/rustore/rustoretest"
)

// An app test seeds a PAID purchase, signs in the way RuStore asks, and
// reads the purchase back over HTTP.
func Example() {
	srv := rustoretest.NewServer(nil)
	defer srv.Close()
	p := srv.AddPurchase(rustoretest.Purchase{Status: "paid", AmountCreate: 29900, ItemCode: "crystals_100"})

	// The key comes as the console gives it: base64 of PKCS#8 DER.
	der, err := base64.StdEncoding.DecodeString(srv.PrivateKeyBase64())
	if err != nil {
		fmt.Println(err)
		return
	}
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		fmt.Println(err)
		return
	}
	ts := srv.Now().Format("2006-01-02T15:04:05.000-07:00")
	digest := sha512.Sum512([]byte(srv.KeyID() + ts))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key.(*rsa.PrivateKey), crypto.SHA512, digest[:])
	if err != nil {
		fmt.Println(err)
		return
	}
	authBody, _ := json.Marshal(map[string]string{
		"keyId": srv.KeyID(), "timestamp": ts, "signature": base64.StdEncoding.EncodeToString(sig),
	})
	resp, err := srv.Client().Post(srv.URL+"/public/auth", "application/json", bytes.NewReader(authBody))
	if err != nil {
		fmt.Println(err)
		return
	}
	var auth struct {
		Body struct {
			JWE string `json:"jwe"`
		} `json:"body"`
	}
	err = json.NewDecoder(resp.Body).Decode(&auth)
	resp.Body.Close()
	if err != nil {
		fmt.Println(err)
		return
	}

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/public/v2/purchase/"+strconv.FormatInt(p.InvoiceID, 10), nil)
	req.Header.Set("Public-Token", auth.Body.JWE)
	resp, err = srv.Client().Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var purchase struct {
		Code string `json:"code"`
		Body struct {
			InvoiceStatus string `json:"invoiceStatus"`
			Order         struct {
				AmountCurrent int64  `json:"amountCurrent"`
				Currency      string `json:"currency"`
				ItemCode      string `json:"itemCode"`
			} `json:"order"`
		} `json:"body"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&purchase); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.StatusCode, purchase.Code, purchase.Body.InvoiceStatus,
		purchase.Body.Order.AmountCurrent, purchase.Body.Order.Currency, purchase.Body.Order.ItemCode)
	// Output: 200 OK paid 29900 RUB crystals_100
}
