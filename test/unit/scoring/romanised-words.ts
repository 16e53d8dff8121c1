/**
 * Romanised Hindi (as typed in chats and code-switched transcripts) and English words for the
 * language-suggestion test. Training and held-out lists share no word; words that are spelled
 * the same in both languages ("main", "the", "to") are left out of both.
 */
export const training = {
  hi: `mera meri mere mujhe mujhse hum hamara hamari tum tumhara tumhari aap aapka aapki woh yeh
    unka unki uska uski kya kyun kaise kab kahan kaun kitna kitni nahi nahin haan hai hain tha thi
    hoga hogi raha rahi rahe gaya gayi gaye karna karo karta karti karte kiya kiye jaana jao jata
    jati aana aao aata aati dekho dekha dekhna suno suna bolo bola bolna khana khaana peena paani
    chai doodh ghar gaadi sadak bazaar dukaan kaam naukri paisa paise din raat subah shaam kal
    aaj abhi phir baad pehle saath bahut thoda zyada accha achha theek bura sundar pyaar dost yaar
    bhai behen maa beta beti log sab kuch koi bhi lekin aur agar jab tab kyunki isliye matlab
    samajh samjha socha baat baatein zindagi dil dimaag khush udaas neend sona uthna baithna
    chalna chalo ruko jaldi dheere sach jhooth sawaal jawab pata maloom chahiye chahta chahti
    sakta sakti milna mila mili diya liya lena dena`,
  en: `and is are was were have has had will would could should can may might must this that these
    those what which who where when why how there their they them then than with from about into
    over under after before between through because while office meeting computer laptop phone
    email message project manager team report deadline schedule client customer market money
    bank account payment salary company business school college teacher student class exam
    result train station ticket flight airport hotel room water coffee breakfast lunch dinner
    morning evening night today tomorrow yesterday weekend holiday friend family mother father
    brother sister people children work working worked going coming thinking feeling looking
    really actually basically probably definitely seriously problem solution question answer
    idea plan time week month year good great nice bad happy tired busy free important different
    interesting beautiful`,
}

export const heldOut = {
  hi: `hamesha kabhi yahan wahan idhar udhar kitaab khidki darwaza kamra bachcha bachche ladka
    ladki aadmi aurat pehchaan intezaar zaroor bilkul shayad mehnat khushi gussa darr bhookh
    garmi sardi baarish dhoop thanda garam meetha teekha namak chawal roti sabzi karenge
    jaayenge`,
  en: `window door kitchen garden street city country weather rain summer winter spring sugar
    bread butter cheese chicken vegetable fruit apple orange yellow green purple quickly slowly
    always never sometimes everything nothing something understand remember forget believe
    expect explain improve develop`,
}

export function wordsOf(list: string): string[] {
  return list.split(/\s+/).filter(Boolean)
}
