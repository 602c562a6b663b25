/**
 * Hand-written, romanised given and family names of origins the faker locales miss or ship only in
 * their own script: Nigerian (Yoruba, Igbo, Hausa), Ghanaian, Somali, Ethiopian and Eritrean,
 * Kenyan, Vietnamese, Chinese (pinyin and Cantonese), Korean, Japanese, Filipino, Punjabi, Hindi,
 * Tamil, Telugu, Bengali, Arabic, Persian, Afghan, Turkish, Polish, Ukrainian and Russian, Haitian
 * Creole, Navajo, Hmong, Latin American and Portuguese. Spellings are the common ones callers use;
 * a name that is also an everyday English word is held back by the common-words guard.
 */

export const curatedGivenText = `
adebayo adebola adeola adesola adewale adeyemi ayodele ayomide babajide bolanle bolaji damilola folake folasade funmilayo
funmi kehinde taiwo temitope tope tunde babatunde oluwaseun seun olumide oluwatobi tobi yetunde omolara omotola bukola
abiodun abimbola akinola olusegun segun femi olufemi kayode kunle jide yewande titilayo morenike ifeoluwa ife ireti
chukwuemeka emeka chidi chidinma chinedu chinonso chioma chiamaka ngozi nneka obinna ikechukwu ike uchenna uche ifeanyi
ifeoma nkechi adaeze adaora amaka chinwe ebere kelechi nnamdi obiageli onyeka tochukwu somto chisom chiagozie ebuka
amarachi ugochi nwachukwu ogechi okechukwu chibuike ikenna chigozie chukwudi kamsi
abubakar aminu bashir garba ibrahim musa sani umaru usman yakubu aisha hadiza halima hauwa zainab zuwaira salisu
nasiru lawal auwal jamila rabi binta maryam murtala shehu tijani danjuma ladi
kwame kwaku kwabena kofi kojo kwasi yaw akosua akua ama abena adwoa afua afia esi efua yaa kwesi nana ekow ato
abdi abdirahman abdullahi abdiweli abdikarim abdiaziz abdirashid abdiqani mohamud mahamed xasan hassan cabdi faarax
farah hodan hibaaq hawo ayaan ubah sahra sagal fadumo faduma deeqa ifrah idil istahil ilhan iqra ladan nasra nimco
sucdi warsame yusuf ahmed omar ali guled geedi jama hamdi hamda muna ruqia shukri warda xaawo
abebe alemayehu almaz amanuel amare aster ayana berhane bethlehem biniam birtukan dawit desta ephrem eskinder fikre
genet getachew girma haile hana hiwot kebede kidist kiros lemlem mekdes meseret mulugeta mesfin negash rahel samrawit
selam selamawit senait solomon tadesse tekle tesfaye tigist tsegaye wondimu yared yohannes zewditu zerihun abrham
mebrat gebre gebremedhin gebreyesus tsion semhar yonas fitsum mussie filmon
wanjiru wanjiku njeri njoroge kamau mwangi otieno ochieng achieng akinyi atieno wambui kipchoge chebet jepkosgei
nguyen thi van anh binh chau cuong dao diep duc dung giang ha hai hanh hieu hoa hoang hong hue hung huong huy
khanh khoa kim lan lien linh loan long mai minh my nga ngan ngoc nhung nhi oanh phat phong phuc phuong quan quang
quoc quyen sang son tam tan thang thanh thao thi thinh thu thuy tien trang tri trinh trung truc tu tuan tuyet uyen
viet vinh vy xuan yen bao dat duy hieu khoi luan nghia nhan phu sy thien toan tung
wei fang jing min hui xiu ying lei jun yan hong ping ming tao yong jie xin hao xiaoming xiaoling jian qiang zhiwei
yuxuan zihan haoran yichen meiling lihua jiayi junjie xiaoyan xiaohong xiaojun xiaowei jianguo jianhua guoqiang
zhihao zhiming yuting yuqi yiming yifan zhenyu haoyu ruoxi shuang shu qing qian xue xia yue yun zhen zhi zhong
chun chen feng gang guang hua jia kai liang lin mei na ning peng rui tian wen xiang xiao yu zhao zihao
ka wai siu wing kwok man chi yee ho kin hoi tsz cheuk
minjun seoyeon jihoon jiwoo seojun hyun eunji soojin jiyeon minho jisoo hyejin sungmin youngjae jiho yejin haneul
dongwoo sangwoo jungwoo jaehyun jaewon minseo seoyun subin yuna chaewon dahyun jimin jihye eunbi hyunwoo taeyang
seungmin yoonseo hayoon doyoon siwoo eunwoo junho kyungmin soyeon miyoung sunhee youngsoo sookja okja
hiroshi takeshi yuki haruto sakura yui aoi ren kenji akira naoko keiko yoko hiroko takashi kazuo satoshi haruka
yuto sota riku daiki daisuke kaito kenta shota shun takumi tsubasa yusuke hinata mei mio rin saki yuna ayaka
emi eri kana kaori megumi miki misaki nanami rina saori tomoko yumi yuko akiko masako michiko noriko sachiko
kazuki hayato yamato souta koki ryota ryo shin shinji tetsuya hideki masato toshiro ichiro jiro
jose maria juan carlos luis miguel angel jesus antonio francisco manuel pedro rafael alejandro javier fernando
ricardo roberto eduardo sergio jorge raul mario hector oscar arturo guadalupe lupe rosario socorro consuelo
dolores mercedes pilar concepcion esperanza soledad milagros maribel marisol yesenia yadira xiomara araceli
itzel ximena valentina camila daniela mariana fernanda gabriela alejandra paola andrea luz nayeli yaretzi
santiago mateo sebastian matias nicolas diego emiliano leonardo joaquin tomas gael thiago
jocelyn rodrigo gonzalo ignacio agustin alonso bernardo cristobal ezequiel gerardo gustavo heriberto humberto
joao tiago rui nuno goncalo duarte afonso beatriz ines leonor matilde conceicao graca fatima
rizal jericho jomar jonel jayson jhon mark joel arnel rommel romeo edgardo rodel reynaldo danilo marites maricel
marivic analyn lorna rowena mylene jocelyn rosalie divina imelda ligaya luzviminda marilou perla teresita cristy
jhun bong boyet jun junjun nonoy dodong inday jennylyn lovely princess angelito ramil renato
gurpreet harpreet manpreet jaspreet simranjeet amandeep arshdeep navdeep sandeep gurdeep hardeep kuldeep jasmeet
gurinder harinder jasvinder kulwinder paramjit sukhwinder ravinder jaswinder balwinder manjit harjit amrit
gurbachan balbir baljit daljit inderjit jagjit kamaljit surjit tejinder parminder satnam navjot simran
aarav siddharth siddhartha aniket anirudh abhishek abhinav akshay harsh hrithik ishan kunal mayank omkar parth sahil tanmay varun yash
aarav vihaan vivaan aditya arjun sai reyansh ayaan krishna ishaan shaurya atharv advik pranav dhruv kabir
ananya diya aadhya pari saanvi anika navya myra aarohi ira riya priya pooja neha sneha anjali kavita sunita
rahul amit anil deepak ravi vijay sanjay raj rajesh suresh ramesh mahesh vikram arun kiran manoj sachin nikhil
rohan rohit ajay akash alok ashok ashish dinesh ganesh gaurav hemant jitendra kamal kishore mukesh naresh
nitin pankaj prakash pradeep praveen rajiv rakesh sandeep santosh satish shankar shyam sunil vinod vivek yogesh
aishwarya deepa divya geeta gita jyoti kajal lakshmi madhu meena nandini pallavi preeti radha rekha savita
seema shalini shanti shweta sonia swati usha vandana varsha
arumugam murugan karthik karthikeyan senthil selvam selvi saravanan suresh subramaniam venkatesh vignesh
balaji ganesan gopal kannan lakshmanan muthu palani raja ramasamy rajendran sankar sivakumar sundar thangam
kavitha lalitha meenakshi padma revathi saranya sathya sumathi vasuki yamuna anbu arivu ilango kumaran
prasad srinivas venkata lakshmana naidu chandra sekhar sridevi suma padmavathi
abdul abdullah ahmad ahmed ali amir amin anwar ashraf ayman bilal fadi faisal farid fawzi ghassan habib hadi
hamid hamza hani hassan hisham hussein ibrahim imad issa jamal jamil karim khaled khalid mahmoud majid malik
marwan mazen mohammad mohammed muhammad mohamed mostafa mustafa nabil nader nasser omar osama qasim rami rashid
riad said saeed salah salem sami samir sharif tarek tariq waleed walid yasser youssef yousef zaid ziad
aisha amal amira asma dalia dana fatima fatma ghada hala hana hanan heba huda iman jamila khadija layla leila
lina maha manal mariam maryam mona nadia najwa nour noor rania rasha reem rima salma samira sana sara sawsan
shaima yasmin yasmine zahra zainab zeinab
ali reza mohammadreza hossein mehdi ahmad amir arash babak bahram behnam behrouz dariush farhad farshid
hamid jamshid kamran kaveh kourosh mahmoud majid manouchehr masoud mehran mohsen morteza nima omid parviz payam
peyman reza saeed shahin siamak siavash soroush vahid
azadeh bahar farah fariba farnaz fatemeh golnaz hengameh leila mahnaz mahsa maryam minoo mitra nasrin nazanin
niloufar parisa parvaneh roya sahar samaneh shirin shabnam soheila taraneh yasaman zahra ziba
abdul ahmad zalmai wahid habibullah rahmatullah najibullah zabihullah hamidullah sayed gul nazir nasrullah
mahbooba fereshta gulalai malalai nilofar
mehmet mustafa ahmet ali huseyin hasan ibrahim ismail osman yusuf murat omer ramazan halil suleyman abdullah
emre burak kemal cem can deniz ayse fatma emine hatice zeynep elif meryem sultan hacer hulya
stanislaw zbigniew wojciech krzysztof grzegorz przemyslaw mieczyslaw tadeusz janusz jerzy zdzislaw bogdan
boleslaw czeslaw dariusz jaroslaw miroslaw radoslaw slawomir tomasz lukasz maciej mateusz michal pawel piotr
jakub kacper szymon bartosz bartlomiej dominik kamil marcin rafal sebastian wieslaw witold zenon
agnieszka malgorzata katarzyna joanna magdalena barbara ewa krystyna elzbieta grazyna halina jadwiga janina
danuta bozena urszula wieslawa zofia teresa beata dorota jolanta iwona renata aleksandra justyna monika
oksana olena olha iryna nataliya tetiana svitlana halyna lyudmyla kateryna yulia yuliia anastasiia viktoriia
mykola mykhailo oleksandr oleksii oleh serhii volodymyr yurii vasyl taras bohdan andrii dmytro ivan petro
stepan ostap roman yaroslav vitalii ihor borys maksym artem denys pavlo vadym anatolii hryhorii
sergei sergey alexei alexey dmitri dmitry vladimir nikolai mikhail andrei andrey igor oleg yuri viktor
anatoly boris evgeny yevgeny gennady grigory konstantin leonid maxim pavel stanislav vadim valentin valery
vyacheslav anastasia ekaterina yekaterina elena irina natalia natalya olga svetlana tatiana tatyana yulia
lyudmila galina larisa marina nadezhda oksana valentina vera zoya alla inna
jean jeanne marie pierre jacques josette ginette marcelle micheline nadege guerline nadine rose roselaure
wadly widlyne wilda wilner wisline wislande wideline wisner wilson fritznel fritzner frantz fabiola fedna
jeanne jeannot jean baptiste dieudonne dieula dieunel lovely lourdes mackenson medjine mirlande mireille
nathalie nerlande rodeline roseline sandy stanley tamara wendy widmaer wilfrid yolande yvrose bernadette
ketly kettly claudette marjorie lunise rosemene mercilia manoucheka junior davidson jeanty
bartholomew ezekiel thaddeus cornelius obadiah jedediah ignatius leontyne lashonda shaquana taniqua keisha latoya
shanice tamika darnell tyrone deshawn demetrius marquis jaylen jalen kayden aaliyah nevaeh imani zion terrell lakisha
latasha shaniqua tanisha monique dominique jasmine precious shaquille dashawn jamari jayceon kameron keshawn ladonna
latonya marquita rashad shameka shanika tameka tavon treyvon tyrell yolanda yvette zaria daquan jaquan laquisha
ahiga ahanu bidziil chitsa doli dohasan hastiin hosteen kai kaya niyol nascha sani shilah tahoma tallulah
yanaba yazhi bodaway naalnish lonan sahkyo ayita
xiong vang yang lee thao moua her lor chang vue kue pao nou mai yer tou chue fue txawj
`;

export const curatedFamilyText = `
adebayo adeleke adeyemi adekunle adewale adesanya adeniyi afolabi ajayi akande akinola akinyemi alabi aluko
babatunde balogun bankole bello dada durojaiye falana fashola fayemi ibrahim idowu ige ilori jegede kolawole
lawal ogunleye ogunbiyi ogundipe ojo oke okonkwo okafor okeke okoro okoye okonjo olaniyan oladipo olatunji
olawale olowe omotosho onifade onyeka oyelaran oyelowo oyewole salami shittu sowemimo taiwo williams yusuf
anyanwu chukwu eze ezeh nwosu nwankwo nwachukwu obi obiora ogbonna okafor okeke okonkwo okoro onuoha onwuka
onyekachi udeh ugwu uzor umeh agu ibe iwu nnaji njoku nweke obasi ofor ogbu okolie okpara onu oparah
abubakar aliyu bello danjuma garba ibrahim lawal mohammed musa sani shehu suleiman umar usman yakubu yusuf
mensah owusu asante boateng appiah osei acheampong agyeman amoah ansah darko gyamfi kyei ofori quaye
hassan mohamed mohamud ahmed abdi ali omar warsame farah jama hussein ismail yusuf osman aden dahir duale egal
elmi gedi guled hirsi ibrahim jibril mahad mire nur roble samatar shire yasin abdullahi barre dirie
abebe alemu ayele bekele berhe desta gebre gebremariam gebremedhin girma haile hailu kebede lemma mekonnen
mengistu negash tadesse tefera tekle tesfaye wolde woldemariam worku yohannes zewde asfaw assefa belay
kamau mwangi njoroge otieno ochieng odhiambo omondi onyango wanjiru kariuki kimani kiprop korir mutua
nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly truong dinh lam luu mai quach
thai ta trinh chau cao doan giang ha kieu la lai lieu ton tong vuong
wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo lin gao luo zheng liang xie tang han cao
deng feng cheng cai peng pan yuan yu dong xiao jiang song ye wei jiang du dai fan fu gu hou jia kong lu meng
mo qian qin qiu ren shao shi tan tao tian wan xia xiong xue yan yao yin zeng zou
chan cheung chow chu chung fung ho hui kwan kwok lai lam lau leung li lo lui mak ng poon siu tam tang tsang
tse tsui wong wu yeung yip yiu au
kim lee park choi jung jeong kang cho yoon jang lim seo shin kwon hwang ahn song yoo jeon moon baek han oh
ko nam noh ryu bae heo yang jo son chung jin min
sato suzuki takahashi tanaka watanabe ito yamamoto nakamura kobayashi kato yoshida yamada sasaki yamaguchi
matsumoto inoue kimura hayashi shimizu yamazaki mori abe ikeda hashimoto ishikawa ogawa okada maeda fujita
goto hasegawa ishii murakami kondo sakamoto endo aoki fujii nishimura fukuda ota miura takeuchi nakajima
okamoto matsuda harada nakagawa nakano ono tamura
reyes santos cruz bautista ocampo garcia mendoza torres villanueva ramos aquino castillo dela delacruz
dizon manalo pascual salazar soriano tolentino valdez bernardo macaraeg mangubat panganiban pangilinan
dimaculangan dimagiba lacson magsaysay malabanan sison tan uy yap co go ong lim sy chua
singh kaur gill sandhu sidhu dhillon grewal brar sekhon bains bhullar cheema chahal randhawa sangha virk
aulakh dhaliwal johal kang khaira mann pannu sahota toor
patel shah sharma kumar gupta reddy rao iyer nair mehta joshi desai chopra kapoor malhotra verma agarwal
banerjee chatterjee mukherjee das ghosh bose pillai menon krishnan subramanian venkatesan bhatt chauhan
chaudhary dubey jain kulkarni mishra pandey patil saxena sinha srivastava thakur tiwari trivedi yadav
naidu murthy raman ramasamy natarajan rajagopal sundaram swaminathan arumugam balasubramanian chandrasekaran
ganesan gopalan iyengar jayaraman kannan krishnamurthy muthusamy palaniappan ramachandran sankaran
haddad nasser saleh mansour farah khoury hamdan aziz rahman khan qureshi siddiqui malik chaudhry sheikh
abdullah hussain abbas ahmadi akbari alavi amini ansari asadi azizi bagheri darwish el elsayed fahmy
habibi hakimi hashemi hosseini jafari kazemi karimi khalil khoury mahmoud moradi mousavi najafi nasseri
rahimi rashidi rezaei sadeghi salehi sharifi tahan yazdani zadeh mohammadi hashimi popal stanikzai
yilmaz kaya demir sahin celik yildiz yildirim ozturk aydin ozdemir arslan dogan kilic aslan cetin kara
kowalski kowalska nowak wisniewski wisniewska wojcik wojcicki kowalczyk kaminski kaminska lewandowski
lewandowska zielinski zielinska szymanski szymanska wozniak dabrowski dabrowska kozlowski jankowski
mazur kwiatkowski krawczyk piotrowski grabowski nowakowski pawlowski michalski nowicki adamczyk dudek
zajac wieczorek jablonski krol majewski olszewski jaworski malinowski pawlak witkowski walczak stepien
gorski rutkowski michalak sikora ostrowski baran duda szewczyk tomaszewski pietrzak marciniak wroblewski
zalewski jakubowski jasinski zawadzki sadowski bak chmielewski wlodarczyk borkowski czarnecki sawicki
kowalenko shevchenko kovalenko bondarenko tkachenko kravchenko boyko kovalchuk oliynyk lysenko marchenko
melnyk moroz pavlenko petrenko polishchuk rudenko savchenko shevchuk tkachuk yaremchuk zinchenko hrytsenko
ivanov ivanova smirnov smirnova kuznetsov kuznetsova popov popova vasiliev petrov petrova sokolov mikhailov
novikov fedorov morozov volkov alekseev lebedev semenov egorov pavlov kozlov stepanov nikolaev orlov andreev
makarov nikitin zakharov zaitsev soloviev borisov yakovlev grigoriev romanov vorobiev sergeev kuzmin
pierre jean louis joseph charles baptiste francois jacques paul etienne augustin dorval desir dorsainvil
estime exantus fleurant georges jeanty joseph laguerre lamour louissaint metellus michel noel pierrelouis
saintil saintfleur saint-louis thermidor toussaint valcourt vilsaint dorvil jeanbaptiste cadet celestin
begay yazzie benally tsosie nez tso etsitty begaye bitsui chee deschenie harjo manygoats tsinajinnie
willeto yellowhorse claw attakai bitsoi largo
xiong vang yang thao moua lor vue kue chang her hang khang lo cha
hernandez garcia martinez rodriguez lopez gonzalez perez sanchez ramirez torres flores rivera gomez diaz
morales reyes cruz ortiz gutierrez chavez ramos ruiz alvarez mendoza castillo jimenez moreno romero herrera
medina aguilar vargas castro guzman fernandez juarez salazar soto delgado vasquez rios contreras sandoval
espinoza valdez guerrero estrada figueroa cervantes ochoa nunez avila mejia cabrera quintero solis zamora
villarreal trujillo bustamante calderon carrillo camacho dominguez escobar fuentes galvan ibarra lara leon
lozano macias marquez miranda montoya navarro orozco padilla pena pineda rangel rosales serrano velasquez
zuniga arellano barrera cardenas corona duarte esquivel galindo mata melendez nava olvera ponce quiroz
smith johnson williams jones brown davis miller wilson moore taylor anderson thomas jackson white harris martin
thompson lewis robinson walker young allen king wright scott hill green adams nelson baker hall campbell mitchell
carter roberts phillips evans turner parker collins edwards stewart morris murphy cook rogers morgan cooper peterson
bailey reed kelly howard cox ward richardson watson brooks wood james bennett gray hughes price sanders myers long
ross foster powell jenkins perry russell sullivan bell coleman butler henderson barnes fisher simmons graham
marshall owens harrison gibson washington jefferson freeman wallace woods cole west jordan reynolds hamilton ford
wells kennedy tucker porter hunter hicks crawford boyd mason warren dixon burns gordon shaw holmes rice robertson
hunt black daniels palmer mills grant knight ferguson stone hawkins dunn perkins hudson spencer stephens pierce
lawrence hansen riley carpenter armstrong elliott chapman mccoy mcdonald mcgee mckinney obrien oconnor odonnell
silva santos oliveira souza sousa pereira costa ferreira almeida carvalho gomes ribeiro lima araujo martins
rocha barbosa correia teixeira mendes nascimento moreira cardoso dias azevedo monteiro
`;
